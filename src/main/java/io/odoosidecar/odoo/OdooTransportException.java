package io.odoosidecar.odoo;

/**
 * The call did not get an answer from Odoo: connection refused, time-out, a proxy's 502/503/504, or
 * a response that is not Odoo's protocol.
 *
 * <p>{@link #delivered()} tells whether the request may have reached Odoo. When it may have, a call
 * that changes data is not sent again: the server may have committed it.
 */
public final class OdooTransportException extends OdooException {
  private static final long serialVersionUID = 1L;

  private final boolean delivered;
  private final int httpStatus;
  private final boolean retriable;

  /**
   * Creates a transport failure.
   *
   * @param message what failed, without any secret
   * @param delivered whether the request may have reached the server
   * @param httpStatus the HTTP status, or 0
   * @param retriable whether trying again later may succeed (false for an answer that is not Odoo's
   *     protocol at all, such as a 404 on an endpoint the server does not have)
   * @param cause the underlying failure, or null
   */
  public OdooTransportException(
      String message, boolean delivered, int httpStatus, boolean retriable, Throwable cause) {
    super(message, cause);
    this.delivered = delivered;
    this.httpStatus = httpStatus;
    this.retriable = retriable;
  }

  /** Whether the request may have reached the server (an ambiguous failure). */
  public boolean delivered() {
    return delivered;
  }

  /** The HTTP status, or 0 when there was no HTTP answer. */
  public int httpStatus() {
    return httpStatus;
  }

  @Override
  public boolean retriable() {
    return retriable;
  }
}
