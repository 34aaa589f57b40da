package io.odoosidecar.store;

import io.odoosidecar.SidecarException;
import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the webhooks keep, in the event log's database: every attempt of a webhook action, the uuid
 * each {@code on_webhook} rule is served at, and the answer of each webhook call sent with an
 * idempotency key, so that the same call sent again stores nothing and gets the first answer.
 *
 * <p>A call's answer is written in the event log's transaction that stores the call's events
 * ({@link #appendCall}): both are kept or neither. Attempts and answers older than the retention go
 * with {@link #purge}; the uuids stay (they are the rules' addresses). A rule's key separates its
 * parts with NUL characters, which PostgreSQL refuses in text: there they are stored as U+001F (the
 * unit separator), on H2 as they are (the keys stored by earlier versions). The schema is {@code
 * io/odoosidecar/store/webhooks/V*.sql}, applied by {@link Migrations}.
 */
public final class Webhooks implements AutoCloseable {
  /**
   * One attempt of a webhook action.
   *
   * @param status the HTTP status, 0 when there was no answer
   * @param millis how long it took
   * @param error why it failed, or null
   * @param at when it was recorded
   */
  public record Attempt(
      String rule,
      String url,
      long recordId,
      int attempt,
      int status,
      long millis,
      String error,
      Instant at) {}

  /**
   * A rule's uuid.
   *
   * @param made whether it was made now (else it was stored already)
   */
  public record Uuid(String uuid, boolean made) {}

  private static final String INSERT_CALL =
      "INSERT INTO sidecar_webhook_call (rule_key, idempotency_key, answer, at) VALUES (?, ?, ?, ?)";

  private final StoreConnection store;
  private final Clock clock;

  private Webhooks(StoreConnection store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * Opens the webhooks' store on the connections a source gives, its schema migrated.
   *
   * @param clock the time attempts are recorded at
   */
  public static Webhooks open(ConnectionSource source, Clock clock) {
    return new Webhooks(StoreConnection.open(source, "webhook store", "webhooks"), clock);
  }

  /** A rule's key as the database keeps it (see the class's notes). */
  private String stored(String ruleKey) {
    return store.postgres() ? ruleKey.replace('\u0000', '\u001f') : ruleKey;
  }

  // ------------------------------------------------------------------ attempts

  /** Records one attempt of a webhook action (status 0: no answer; error null on success). */
  public void recordAttempt(
      String rule, String url, long recordId, int attempt, int status, long millis, String error) {
    Instant now = clock.instant();
    store.work(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO sidecar_webhook_log (at, rule_name, url, record_id, attempt,"
                      + " status, millis, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            insert.setTimestamp(1, StoreSql.timestamp(now));
            insert.setString(2, rule);
            insert.setString(3, url);
            insert.setLong(4, recordId);
            insert.setInt(5, attempt);
            insert.setInt(6, status);
            insert.setLong(7, millis);
            insert.setString(8, error);
            return insert.executeUpdate();
          }
        });
  }

  /** The latest attempts, newest first, at most {@code limit}. */
  public List<Attempt> attempts(int limit) {
    return store.work(
        c -> {
          List<Attempt> out = new ArrayList<>();
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT rule_name, url, record_id, attempt, status, millis, error, at"
                      + " FROM sidecar_webhook_log ORDER BY id DESC LIMIT ?")) {
            select.setInt(1, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                out.add(
                    new Attempt(
                        rows.getString(1),
                        rows.getString(2),
                        rows.getLong(3),
                        rows.getInt(4),
                        rows.getInt(5),
                        rows.getLong(6),
                        rows.getString(7),
                        rows.getTimestamp(8).toInstant()));
              }
            }
          }
          return out;
        });
  }

  // ------------------------------------------------------------------ uuids

  /**
   * The uuid a webhook rule is served at, keyed by the rule's identity: the one stored, or {@code
   * fresh} stored now (when another sidecar on the database stored one meanwhile, that one).
   */
  public Uuid uuid(String ruleKey, Supplier<String> fresh, Instant now) {
    String key = stored(ruleKey);
    return store.work(
        c -> {
          Optional<String> known = storedUuid(c, key);
          if (known.isPresent()) {
            return new Uuid(known.get(), false);
          }
          String made = fresh.get();
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO sidecar_webhook_uuid (rule_key, uuid, created_at) VALUES (?, ?, ?)")) {
            insert.setString(1, key);
            insert.setString(2, made);
            insert.setTimestamp(3, StoreSql.timestamp(now));
            insert.executeUpdate();
            return new Uuid(made, true);
          } catch (SQLException e) {
            if (!StoreSql.duplicate(e)) {
              throw e;
            }
            return new Uuid(storedUuid(c, key).orElseThrow(() -> e), false);
          }
        });
  }

  private static Optional<String> storedUuid(Connection c, String ruleKey) throws SQLException {
    try (PreparedStatement select =
        c.prepareStatement("SELECT uuid FROM sidecar_webhook_uuid WHERE rule_key = ?")) {
      select.setString(1, ruleKey);
      try (ResultSet rows = select.executeQuery()) {
        return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
      }
    }
  }

  // ------------------------------------------------------------------ idempotent calls

  /** The answer given to an earlier webhook call of a rule with this idempotency key, if any. */
  public Optional<String> answer(String ruleKey, String idempotencyKey) {
    return store.work(
        c -> {
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT answer FROM sidecar_webhook_call WHERE rule_key = ?"
                      + " AND idempotency_key = ?")) {
            select.setString(1, stored(ruleKey));
            select.setString(2, idempotencyKey);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
          }
        });
  }

  /**
   * Appends the events of a webhook call to {@code log} and remembers its idempotency key with the
   * answer, in the log's transaction; when the key is already known (also when it is stored
   * meanwhile, by a call sent twice at once), stores nothing and returns the first answer.
   */
  public Optional<String> appendCall(
      EventLog log,
      List<EventLog.NewEvent> events,
      String ruleKey,
      String idempotencyKey,
      String answer,
      Instant now) {
    Optional<String> earlier = answer(ruleKey, idempotencyKey);
    if (earlier.isPresent()) {
      return earlier;
    }
    try {
      log.appendEvents(
          events,
          now,
          c -> {
            try (PreparedStatement insert = c.prepareStatement(INSERT_CALL)) {
              insert.setString(1, stored(ruleKey));
              insert.setString(2, idempotencyKey);
              insert.setString(3, answer);
              insert.setTimestamp(4, StoreSql.timestamp(now));
              insert.executeUpdate();
            }
          });
    } catch (SidecarException e) {
      if (StoreSql.duplicate(e)) {
        Optional<String> first = answer(ruleKey, idempotencyKey);
        if (first.isPresent()) {
          return first;
        }
      }
      throw e;
    }
    return Optional.empty();
  }

  // ------------------------------------------------------------------ retention

  /**
   * Forgets the attempts and the calls' answers recorded before {@code before}; returns how many.
   */
  public int purge(Instant before) {
    return store.inTransaction(
        c -> {
          int purged = 0;
          for (String table : List.of("sidecar_webhook_log", "sidecar_webhook_call")) {
            try (PreparedStatement delete =
                c.prepareStatement("DELETE FROM " + table + " WHERE at < ?")) {
              delete.setTimestamp(1, StoreSql.timestamp(before));
              purged += delete.executeUpdate();
            }
          }
          return purged;
        });
  }

  /** Closes the connection now; the next use opens another. */
  @Override
  public void close() {
    store.close();
  }
}
