package io.odoosidecar.sync;

import io.odoosidecar.http.Attempt;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.store.EventLog.ConnectionSource;
import io.odoosidecar.store.StoreConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The log of every HTTP attempt of the outbound syncs, in a database (H2 embedded or PostgreSQL):
 * what was sent and answered, bodies cut at a size, credentials in the URL and secret headers
 * masked. Entries older than the retention are removed by {@link #prune}.
 *
 * <p>The schema is {@code io/odoosidecar/store/sync_log/V*.sql}, applied by {@link
 * io.odoosidecar.store.Migrations}.
 */
public final class SyncLog implements SyncLogSink, AutoCloseable {
  /** The bodies' default cut: 64 KiB. */
  public static final int DEFAULT_BODY_LIMIT = 64 * 1024;

  private static final String COLUMNS =
      "at_ms, config, record_ids, operation, method, url, status, duration_ms, request_headers,"
          + " request_body, answer_body, error, idempotency_key, attempt, success";

  /** A criterion left null matches every row (the column compared with itself). */
  private static final String SELECT =
      "SELECT id, "
          + COLUMNS
          + " FROM sync_log WHERE config = COALESCE(?, config)"
          + " AND record_ids LIKE COALESCE(?, record_ids)"
          + " AND (success = FALSE OR ? = FALSE) ORDER BY id DESC";

  /**
   * One attempt.
   *
   * @param id the entry's id (0 before it is stored)
   * @param at when the attempt ended
   * @param config the sync config's name
   * @param recordIds the records the request carried
   * @param operation create, write or unlink
   * @param method the HTTP method
   * @param url the URL, credentials masked
   * @param status the answer's status, 0 when none came
   * @param took how long the attempt took
   * @param requestHeaders the request's headers, secrets masked, one {@code Name: value} a line
   * @param requestBody the request's body (cut)
   * @param answerBody the answer's body (cut), empty when none came
   * @param error why the attempt failed without an answer, or null
   * @param idempotencyKey the {@code Idempotency-Key} sent, or null
   * @param attempt the attempt's number, from 1
   * @param success whether it was answered 2xx
   */
  public record Entry(
      long id,
      Instant at,
      String config,
      List<Long> recordIds,
      String operation,
      String method,
      String url,
      int status,
      Duration took,
      String requestHeaders,
      String requestBody,
      String answerBody,
      String error,
      String idempotencyKey,
      int attempt,
      boolean success) {
    public Entry {
      recordIds = List.copyOf(recordIds);
    }

    /** The entry of an attempt (its call's headers already masked by the sender). */
    static Entry of(SyncRequest request, SyncCalls.Planned planned, Attempt attempt, Instant at) {
      var call = attempt.call();
      var answer = attempt.answer();
      List<io.odoosidecar.odoo.Secret> secrets = request.config().auth().secrets();
      return new Entry(
          0,
          at,
          request.config().name(),
          planned.ids(),
          request.operation(),
          call.method(),
          Redaction.text(Redaction.url(call.uri()), secrets),
          answer == null ? 0 : answer.status(),
          attempt.took(),
          Redaction.text(headers(call.headers()), secrets),
          Redaction.text(call.bodyText(), secrets),
          answer == null ? "" : Redaction.text(answer.bodyText(), secrets),
          attempt.error() == null ? null : Redaction.text(attempt.error(), secrets),
          planned.idempotencyKey(),
          attempt.number(),
          answer != null && answer.successful());
    }

    private static String headers(Map<String, List<String>> headers) {
      return headers.entrySet().stream()
          .flatMap(e -> e.getValue().stream().map(v -> e.getKey() + ": " + v))
          .collect(Collectors.joining("\n"));
    }
  }

  /**
   * What to list: newest first.
   *
   * @param config only this config's entries, or null for all
   * @param recordId only entries carrying this record, or null for all
   * @param failedOnly only the attempts not answered 2xx
   * @param limit at most this many
   */
  public record Query(String config, Long recordId, boolean failedOnly, int limit) {
    /** The newest {@code limit} entries. */
    public static Query newest(int limit) {
      return new Query(null, null, false, limit);
    }
  }

  private final StoreConnection store;
  private final Clock clock;
  private final int bodyLimit;

  private SyncLog(StoreConnection store, Clock clock, int bodyLimit) {
    this.store = store;
    this.clock = clock;
    this.bodyLimit = bodyLimit;
  }

  /**
   * Opens the log on the connections a source gives (the event log's database), creating its table
   * when missing.
   *
   * @param bodyLimit where bodies are cut, in characters
   */
  public static SyncLog open(ConnectionSource source, Clock clock, int bodyLimit) {
    return new SyncLog(StoreConnection.open(source, "sync log", "sync_log"), clock, bodyLimit);
  }

  /** The embedded log under a data directory (an H2 file of its own). */
  public static SyncLog embedded(java.nio.file.Path dataDir, Clock clock, int bodyLimit) {
    String url =
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("sync-log")
            + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    return open(() -> DriverManager.getConnection(url), clock, bodyLimit);
  }

  /** Stores an entry; bodies cut at the limit. A store failure is thrown as a SidecarException. */
  @Override
  public synchronized void record(Entry entry) {
    work(c -> insert(c, entry));
  }

  private Void insert(Connection c, Entry e) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO sync_log (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
      ps.setLong(1, e.at().toEpochMilli());
      ps.setString(2, e.config());
      ps.setString(3, ids(e.recordIds()));
      ps.setString(4, e.operation());
      ps.setString(5, e.method());
      ps.setString(6, cut(e.url(), 8000));
      ps.setInt(7, e.status());
      ps.setLong(8, e.took().toMillis());
      ps.setString(9, cut(e.requestHeaders(), 100_000));
      ps.setString(10, cut(e.requestBody(), bodyLimit));
      ps.setString(11, cut(e.answerBody(), bodyLimit));
      ps.setString(12, e.error() == null ? null : cut(e.error(), 8000));
      ps.setString(13, e.idempotencyKey());
      ps.setInt(14, e.attempt());
      ps.setBoolean(15, e.success());
      ps.executeUpdate();
    }
    return null;
  }

  /** The entries a query asks for, newest first. */
  public synchronized List<Entry> query(Query query) {
    return work(c -> select(c, query));
  }

  private static List<Entry> select(Connection c, Query q) throws SQLException {
    List<Entry> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(SELECT)) {
      ps.setString(1, q.config());
      ps.setString(2, q.recordId() == null ? null : "%," + q.recordId() + ",%");
      ps.setBoolean(3, q.failedOnly());
      ps.setMaxRows(Math.max(1, q.limit()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(entry(rs));
        }
      }
    }
    return out;
  }

  private static Entry entry(ResultSet rs) throws SQLException {
    return new Entry(
        rs.getLong("id"),
        Instant.ofEpochMilli(rs.getLong("at_ms")),
        rs.getString("config"),
        Arrays.stream(rs.getString("record_ids").split(","))
            .filter(s -> !s.isEmpty())
            .map(Long::valueOf)
            .toList(),
        rs.getString("operation"),
        rs.getString("method"),
        rs.getString("url"),
        rs.getInt("status"),
        Duration.ofMillis(rs.getLong("duration_ms")),
        rs.getString("request_headers"),
        rs.getString("request_body"),
        rs.getString("answer_body"),
        rs.getString("error"),
        rs.getString("idempotency_key"),
        rs.getInt("attempt"),
        rs.getBoolean("success"));
  }

  /** Deletes the entries older than {@code before}; returns how many. */
  public synchronized int prune(Instant before) {
    return work(
        c -> {
          try (PreparedStatement ps = c.prepareStatement("DELETE FROM sync_log WHERE at_ms < ?")) {
            ps.setLong(1, before.toEpochMilli());
            return ps.executeUpdate();
          }
        });
  }

  /** Deletes the entries older than {@code retention} from now; returns how many. */
  public int pruneOlderThan(Duration retention) {
    return prune(clock.instant().minus(retention));
  }

  /**
   * Closes the connection now, as when the database it shares with the event log failed: an open
   * connection would keep an embedded database that lost its file alive in this process, where the
   * event log's recovery would find it again. The next use opens another.
   */
  public void disconnect() {
    store.close();
  }

  private <T> T work(StoreConnection.Work<T> work) {
    return store.work(work);
  }

  /** Ids as stored: {@code ,12,13,}, so that one is found by {@code LIKE '%,12,%'}. */
  private static String ids(List<Long> ids) {
    return ids.stream().map(String::valueOf).collect(Collectors.joining(",", ",", ","));
  }

  /** Text cut at {@code limit} characters, marked as cut. */
  static String cut(String text, int limit) {
    if (text == null || text.length() <= limit) {
      return text == null ? "" : text;
    }
    String mark = "... [cut at " + limit + " of " + text.length() + "]";
    return text.substring(0, Math.max(0, limit - mark.length())) + mark;
  }

  @Override
  public void close() {
    disconnect();
  }
}
