package io.odoosidecar.action;

import io.odoosidecar.SidecarException;

/** An action the sidecar cannot run: its events are parked at once, never retried. */
public final class UnsupportedActionException extends SidecarException {
  private static final long serialVersionUID = 1L;

  public UnsupportedActionException(String message) {
    super(message);
  }
}
