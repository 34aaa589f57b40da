package io.odoosidecar.odoo;

/**
 * The server refused the credentials: {@code authenticate} answered {@code false}, a call raised
 * {@code AccessDenied}, or JSON-2 answered 401.
 */
public final class OdooAuthenticationException extends OdooFaultException {
  private static final long serialVersionUID = 1L;

  public OdooAuthenticationException(
      String exceptionClass, String odooMessage, String traceback, int code) {
    super(OdooErrorKind.ACCESS_DENIED, exceptionClass, odooMessage, traceback, code);
  }

  /** The answer {@code false} to {@code authenticate}: unknown login or wrong password. */
  static OdooAuthenticationException refused(String database, String login) {
    return new OdooAuthenticationException(
        OdooErrorKind.ACCESS_DENIED.defaultClass(),
        "authentication refused for login '" + login + "' on database '" + database + "'",
        "",
        0);
  }
}
