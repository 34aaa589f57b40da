package io.odoosidecar.app;

import io.odoosidecar.sync.SyncLog;
import io.odoosidecar.sync.SyncLogModel;
import io.odoosidecar.sync.SyncLogSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sync log of a running daemon that holds the embedded store, for {@code sidecar sync run}:
 * entries are kept and handed to the daemon ({@code sidecar.sync_log.create}) at each {@link
 * #flush}, a chunk of records at a time.
 */
final class DaemonSyncLog implements SyncLogSink {
  private final DaemonClient daemon;
  private final List<Map<String, Object>> pending = new ArrayList<>();
  private int unlogged;

  DaemonSyncLog(DaemonClient daemon) {
    this.daemon = daemon;
  }

  @Override
  public synchronized void record(SyncLog.Entry entry) {
    pending.add(SyncLogModel.row(entry));
  }

  /**
   * Hands the entries kept to the daemon; when it cannot be asked, they are counted as unlogged.
   *
   * @return the reason they were not logged, or null
   */
  synchronized String flush() {
    String problem = null;
    for (int from = 0; from < pending.size(); from += SyncLogModel.MAX_ROWS) {
      List<Object> rows =
          new ArrayList<>(
              pending.subList(from, Math.min(pending.size(), from + SyncLogModel.MAX_ROWS)));
      try {
        daemon.call(SyncLogModel.NAME, "create", List.of(rows));
      } catch (RuntimeException e) {
        unlogged += rows.size();
        problem = e.getMessage();
      }
    }
    pending.clear();
    return problem;
  }

  /** How many entries the daemon could not be given. */
  synchronized int unlogged() {
    return unlogged;
  }
}
