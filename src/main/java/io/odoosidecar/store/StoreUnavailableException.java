package io.odoosidecar.store;

import io.odoosidecar.SidecarException;

/**
 * The event log, or a store on its database, cannot be used now (its database closed or
 * unreachable, its file lost, out of memory or disk): nothing was stored, and the same call may
 * succeed once the database is back.
 */
public class StoreUnavailableException extends SidecarException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message) {
    super(message);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retriable() {
    return true;
  }
}
