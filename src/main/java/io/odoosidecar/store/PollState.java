package io.odoosidecar.store;

import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the poller stands, in the event log's database: per database and model, its cursor (the
 * last write date and id it has seen) and the snapshot of each record (the values it last saw, for
 * the old values of the next change and to find deletions).
 *
 * <p>The poller stores the events of a page before it saves the page's state: a crash between the
 * two finds the same changes again at the next pass, and their dedupe keys drop them. The schema is
 * {@code io/odoosidecar/store/poll_state/V*.sql}, applied by {@link Migrations}.
 */
public final class PollState implements AutoCloseable {
  /** Where the poller of a model stands: the last write date and id it has seen. */
  public record Cursor(String writeDate, long recordId) {}

  private static final int CHUNK = 500;

  private final StoreConnection store;

  private PollState(StoreConnection store) {
    this.store = store;
  }

  /** Opens the poller's state on the connections a source gives, its schema migrated. */
  public static PollState open(ConnectionSource source) {
    return new PollState(StoreConnection.open(source, "poll state", "poll_state"));
  }

  /** The poller's cursor of a model, if it has one. */
  public Optional<Cursor> cursor(String database, String model) {
    return store.work(
        c -> {
          try (PreparedStatement select =
              c.prepareStatement(
                  "SELECT write_date, record_id FROM sidecar_poll_cursor WHERE db = ?"
                      + " AND model = ?")) {
            select.setString(1, database);
            select.setString(2, model);
            try (ResultSet rows = select.executeQuery()) {
              return rows.next()
                  ? Optional.of(new Cursor(rows.getString(1), rows.getLong(2)))
                  : Optional.empty();
            }
          }
        });
  }

  /**
   * Moves the cursor of a model (when not null), stores the snapshots taken ({@code vals} as JSON
   * by record id) and forgets those of {@code deleted}, in one transaction.
   */
  public void save(
      String database,
      String model,
      Cursor cursor,
      Map<Long, String> snapshots,
      Collection<Long> deleted) {
    store.inTransaction(
        c -> {
          try (PreparedStatement delete =
                  c.prepareStatement(
                      "DELETE FROM sidecar_snapshot WHERE db = ? AND model = ? AND record_id = ?");
              PreparedStatement insert =
                  c.prepareStatement(
                      "INSERT INTO sidecar_snapshot (db, model, record_id, vals) VALUES (?, ?, ?, ?)");
              PreparedStatement dropCursor =
                  c.prepareStatement("DELETE FROM sidecar_poll_cursor WHERE db = ? AND model = ?");
              PreparedStatement putCursor =
                  c.prepareStatement(
                      "INSERT INTO sidecar_poll_cursor (db, model, write_date, record_id)"
                          + " VALUES (?, ?, ?, ?)")) {
            Set<Long> gone = new LinkedHashSet<>(deleted);
            gone.addAll(snapshots.keySet());
            for (long id : gone) {
              delete.setString(1, database);
              delete.setString(2, model);
              delete.setLong(3, id);
              delete.addBatch();
            }
            delete.executeBatch();
            for (Map.Entry<Long, String> e : snapshots.entrySet()) {
              insert.setString(1, database);
              insert.setString(2, model);
              insert.setLong(3, e.getKey());
              insert.setString(4, e.getValue());
              insert.addBatch();
            }
            insert.executeBatch();
            if (cursor != null) {
              dropCursor.setString(1, database);
              dropCursor.setString(2, model);
              dropCursor.executeUpdate();
              putCursor.setString(1, database);
              putCursor.setString(2, model);
              putCursor.setString(3, cursor.writeDate());
              putCursor.setLong(4, cursor.recordId());
              putCursor.executeUpdate();
            }
          }
          return null;
        });
  }

  /** The snapshots of a model's records (JSON values by record id), all or those of {@code ids}. */
  public Map<Long, String> snapshots(String database, String model, Collection<Long> ids) {
    Map<Long, String> out = new LinkedHashMap<>();
    String sql = "SELECT record_id, vals FROM sidecar_snapshot WHERE db = ? AND model = ?";
    List<List<Long>> chunks = new ArrayList<>();
    if (ids == null) {
      chunks.add(null);
    } else {
      List<Long> all = new ArrayList<>(ids);
      for (int i = 0; i < all.size(); i += CHUNK) {
        chunks.add(all.subList(i, Math.min(all.size(), i + CHUNK)));
      }
    }
    for (List<Long> chunk : chunks) {
      String query =
          chunk == null
              ? sql + " ORDER BY record_id"
              : sql
                  + " AND record_id IN ("
                  + String.join(",", Collections.nCopies(chunk.size(), "?"))
                  + ")";
      store.work(
          c -> {
            try (PreparedStatement select = c.prepareStatement(query)) {
              select.setString(1, database);
              select.setString(2, model);
              if (chunk != null) {
                for (int i = 0; i < chunk.size(); i++) {
                  select.setLong(3 + i, chunk.get(i));
                }
              }
              try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                  out.put(rows.getLong(1), rows.getString(2));
                }
              }
            }
            return null;
          });
    }
    return out;
  }

  /** Closes the connection now; the next use opens another. */
  @Override
  public void close() {
    store.close();
  }
}
