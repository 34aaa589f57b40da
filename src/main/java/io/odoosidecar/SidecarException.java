package io.odoosidecar;

/**
 * The root of every exception the sidecar throws on purpose.
 *
 * <p>Unchecked, so that callers catch what they can act on: a {@code retriable()} failure may be
 * tried again later; anything else is reported and parked.
 */
public class SidecarException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SidecarException(String message) {
    super(message);
  }

  public SidecarException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the same operation may succeed if tried again later, unchanged. */
  public boolean retriable() {
    return false;
  }
}
