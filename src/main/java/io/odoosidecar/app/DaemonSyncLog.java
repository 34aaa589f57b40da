package io.odoosidecar.app;

import io.odoosidecar.sync.SyncLog;
import io.odoosidecar.sync.SyncLogModel;
import io.odoosidecar.sync.SyncLogSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The sync log of a running daemon that holds the embedded store, for {@code sidecar sync run}:
 * entries are kept and handed to the daemon ({@code sidecar.sync_log.create}) at each {@link
 * #flush}, a chunk of records at a time. Bodies are cut to the sync log's limit here, as the log
 * would cut them, and a call carries at most {@value #MAX_CALL_CHARS} characters of them, so that
 * it stays well within the endpoint's body limit.
 */
final class DaemonSyncLog implements SyncLogSink {
  static final int MAX_CALL_CHARS = 4 << 20;

  private final Consumer<List<Object>> create;
  private final int bodyLimit;
  private final List<Map<String, Object>> pending = new ArrayList<>();
  private int unlogged;

  /** The sync log of the daemon {@code client} asks. */
  static DaemonSyncLog of(DaemonClient client, int bodyLimit) {
    return new DaemonSyncLog(
        rows -> client.call(SyncLogModel.NAME, "create", List.of(rows)), bodyLimit);
  }

  /**
   * @param create hands one call's rows to the daemon ({@code sidecar.sync_log.create})
   * @param bodyLimit the sync log's body limit ({@code sync.log-body-limit})
   */
  DaemonSyncLog(Consumer<List<Object>> create, int bodyLimit) {
    this.create = create;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public synchronized void record(SyncLog.Entry entry) {
    Map<String, Object> row = SyncLogModel.row(entry);
    row.put("request_body", cut(entry.requestBody()));
    row.put("answer_body", cut(entry.answerBody()));
    pending.add(row);
  }

  private String cut(String body) {
    return body == null || body.length() <= bodyLimit ? body : body.substring(0, bodyLimit);
  }

  /**
   * Hands the entries kept to the daemon; when it cannot be asked, they are counted as unlogged.
   *
   * @return the reason they were not logged, or null
   */
  synchronized String flush() {
    String problem = null;
    for (List<Object> rows : calls()) {
      try {
        create.accept(rows);
      } catch (RuntimeException e) {
        unlogged += rows.size();
        problem = e.getMessage();
      }
    }
    pending.clear();
    return problem;
  }

  /** The entries kept, in calls of at most {@link SyncLogModel#MAX_ROWS} rows and the size cap. */
  private List<List<Object>> calls() {
    List<List<Object>> calls = new ArrayList<>();
    List<Object> call = new ArrayList<>();
    long chars = 0;
    for (Map<String, Object> row : pending) {
      long size = size(row);
      if (!call.isEmpty()
          && (call.size() == SyncLogModel.MAX_ROWS || chars + size > MAX_CALL_CHARS)) {
        calls.add(call);
        call = new ArrayList<>();
        chars = 0;
      }
      call.add(row);
      chars += size;
    }
    if (!call.isEmpty()) {
      calls.add(call);
    }
    return calls;
  }

  private static long size(Map<String, Object> row) {
    return row.values().stream().mapToLong(v -> String.valueOf(v).length()).sum();
  }

  /** How many entries the daemon could not be given. */
  synchronized int unlogged() {
    return unlogged;
  }
}
