package io.odoosidecar.domain;

import io.odoosidecar.SidecarException;

/**
 * A leaf the engine cannot decide from the records it holds (a non-stored field without a value, a
 * model it lacks); the caller asks Odoo instead. It never guesses.
 */
public final class UndecidableException extends SidecarException {
  private static final long serialVersionUID = 1L;

  public UndecidableException(String message) {
    super(message);
  }
}
