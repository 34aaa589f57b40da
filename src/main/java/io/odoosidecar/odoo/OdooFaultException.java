package io.odoosidecar.odoo;

import java.util.Objects;

/**
 * An error that the Odoo server raised and reported: the call reached Odoo, which refused it.
 *
 * <p>Never retried: sending the same call again gets the same answer. Carries the Odoo exception
 * class ({@code odoo.exceptions.ValidationError}, {@code builtins.ValueError}, ...), the message a
 * user would see, and the server traceback when Odoo sent one.
 */
public class OdooFaultException extends OdooException {
  private static final long serialVersionUID = 1L;

  private final OdooErrorKind kind;
  private final String exceptionClass;
  private final String odooMessage;
  private final String traceback;
  private final int code;

  /**
   * Creates a fault.
   *
   * @param kind the kind of error
   * @param exceptionClass the Odoo exception class, dotted
   * @param odooMessage the message Odoo gave
   * @param traceback the server traceback, or an empty string
   * @param code the XML-RPC fault code, JSON-RPC error code or JSON-2 HTTP status
   */
  public OdooFaultException(
      OdooErrorKind kind, String exceptionClass, String odooMessage, String traceback, int code) {
    super(exceptionClass + ": " + odooMessage);
    this.kind = Objects.requireNonNull(kind);
    this.exceptionClass = Objects.requireNonNull(exceptionClass);
    this.odooMessage = Objects.requireNonNull(odooMessage);
    this.traceback = traceback == null ? "" : traceback;
    this.code = code;
  }

  public OdooErrorKind kind() {
    return kind;
  }

  /** The Odoo exception class as the server named it, dotted. */
  public String exceptionClass() {
    return exceptionClass;
  }

  /** The message Odoo gave, without the exception class. */
  public String odooMessage() {
    return odooMessage;
  }

  /** The server traceback, or an empty string when Odoo sent none. */
  public String traceback() {
    return traceback;
  }

  /** The XML-RPC fault code, the JSON-RPC error code, or the JSON-2 HTTP status. */
  public int code() {
    return code;
  }
}
