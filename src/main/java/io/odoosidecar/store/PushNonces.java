package io.odoosidecar.store;

import io.odoosidecar.SidecarException;
import io.odoosidecar.store.EventLog.ConnectionSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/**
 * The nonces of the pushes (and the signatures of the signed requests) already accepted, in the
 * event log's database, so that a push sent again is refused, also after a restart and by another
 * sidecar on the same database. A nonce is kept for twice the pushes' time window: an older push is
 * refused by its time stamp instead. The schema is {@code io/odoosidecar/store/push_nonces/V*.sql},
 * applied by {@link Migrations}.
 */
public final class PushNonces implements AutoCloseable {
  private final StoreConnection store;

  private PushNonces(StoreConnection store) {
    this.store = store;
  }

  /** Opens the nonces on the connections a source gives, their schema migrated. */
  public static PushNonces open(ConnectionSource source) {
    return new PushNonces(StoreConnection.open(source, "push nonces", "push_nonces"));
  }

  /**
   * Remembers a nonce; false when it was seen before (a replayed push), also when another sidecar
   * stores it at the same moment. Nonces seen before {@code forgetBefore} are dropped first.
   */
  public boolean accept(String nonce, Instant now, Instant forgetBefore) {
    try {
      return store.inTransaction(
          c -> {
            try (PreparedStatement purge =
                    c.prepareStatement("DELETE FROM sidecar_push_nonce WHERE seen_at < ?");
                PreparedStatement known =
                    c.prepareStatement("SELECT 1 FROM sidecar_push_nonce WHERE nonce = ?");
                PreparedStatement insert =
                    c.prepareStatement(
                        "INSERT INTO sidecar_push_nonce (nonce, seen_at) VALUES (?, ?)")) {
              purge.setTimestamp(1, StoreSql.timestamp(forgetBefore));
              purge.executeUpdate();
              known.setString(1, nonce);
              try (ResultSet rows = known.executeQuery()) {
                if (rows.next()) {
                  return false;
                }
              }
              insert.setString(1, nonce);
              insert.setTimestamp(2, StoreSql.timestamp(now));
              insert.executeUpdate();
              return true;
            }
          });
    } catch (SidecarException e) {
      if (StoreSql.duplicate(e)) {
        return false; // stored by another sidecar between the look and the insert
      }
      throw e;
    }
  }

  /** Forgets the nonces seen before {@code before}; returns how many. */
  public int purge(Instant before) {
    return store.work(
        c -> {
          try (PreparedStatement delete =
              c.prepareStatement("DELETE FROM sidecar_push_nonce WHERE seen_at < ?")) {
            delete.setTimestamp(1, StoreSql.timestamp(before));
            return delete.executeUpdate();
          }
        });
  }

  /** Closes the connection now; the next use opens another. */
  @Override
  public void close() {
    store.close();
  }
}
