package io.odoosidecar.http;

import io.odoosidecar.SidecarException;

/**
 * A send was interrupted (while waiting for an answer or between two tries); the thread's interrupt
 * flag is set again when this is thrown.
 */
public final class HttpInterruptedException extends SidecarException {
  private static final long serialVersionUID = 1L;

  public HttpInterruptedException(String message, InterruptedException cause) {
    super(message, cause);
  }
}
