package io.odoosidecar.odoo;

import java.util.Locale;

/**
 * What kind of error Odoo raised, derived from its exception class (JSON-RPC, JSON-2) or from the
 * fault code and traceback (XML-RPC).
 */
public enum OdooErrorKind {
  /** {@code odoo.exceptions.UserError}: a business rule refused the operation. */
  USER_ERROR("odoo.exceptions.UserError"),
  /** {@code odoo.exceptions.ValidationError}: a constraint failed. */
  VALIDATION_ERROR("odoo.exceptions.ValidationError"),
  /** {@code odoo.exceptions.MissingError}: a record does not exist (any more). */
  MISSING_ERROR("odoo.exceptions.MissingError"),
  /** {@code odoo.exceptions.AccessError}: the user may not do this. */
  ACCESS_ERROR("odoo.exceptions.AccessError"),
  /** {@code odoo.exceptions.AccessDenied}: the credentials were refused. */
  ACCESS_DENIED("odoo.exceptions.AccessDenied"),
  /** {@code odoo.exceptions.RedirectWarning}: a user error that points to an action. */
  REDIRECT_WARNING("odoo.exceptions.RedirectWarning"),
  /** An unknown model or method (JSON-2 answers 404). */
  NOT_FOUND("werkzeug.exceptions.NotFound"),
  /** Arguments that do not fit the method (JSON-2 answers 422). */
  INVALID_ARGUMENTS("werkzeug.exceptions.UnprocessableEntity"),
  /** Any other server-side exception ({@code ValueError}, {@code KeyError}, SQL errors, ...). */
  SERVER_ERROR("builtins.Exception");

  private final String defaultClass;

  OdooErrorKind(String defaultClass) {
    this.defaultClass = defaultClass;
  }

  /** The Odoo exception class used when the wire says no more than the kind. */
  public String defaultClass() {
    return defaultClass;
  }

  /**
   * The kind of an Odoo exception class name, as JSON-RPC and JSON-2 carry it ({@code
   * odoo.exceptions.ValidationError}) or as a traceback prints it ({@code ValueError}).
   */
  public static OdooErrorKind ofExceptionClass(String exceptionClass) {
    if (exceptionClass == null) {
      return SERVER_ERROR;
    }
    String simple = exceptionClass.substring(exceptionClass.lastIndexOf('.') + 1);
    boolean odoo = exceptionClass.startsWith("odoo.") || !exceptionClass.contains(".");
    boolean werkzeug = exceptionClass.startsWith("werkzeug.");
    switch (simple.toLowerCase(Locale.ROOT)) {
      case "validationerror":
        return odoo ? VALIDATION_ERROR : SERVER_ERROR;
      case "usererror":
      case "except_orm":
      case "warning":
        return odoo ? USER_ERROR : SERVER_ERROR;
      case "missingerror":
        return odoo ? MISSING_ERROR : SERVER_ERROR;
      case "accesserror":
      case "forbidden":
        return odoo || werkzeug ? ACCESS_ERROR : SERVER_ERROR;
      case "accessdenied":
      case "unauthorized":
        return odoo || werkzeug ? ACCESS_DENIED : SERVER_ERROR;
      case "redirectwarning":
        return odoo ? REDIRECT_WARNING : SERVER_ERROR;
      case "notfound":
        return werkzeug ? NOT_FOUND : SERVER_ERROR;
      case "unprocessableentity":
      case "badrequest":
        return werkzeug ? INVALID_ARGUMENTS : SERVER_ERROR;
      default:
        return SERVER_ERROR;
    }
  }
}
