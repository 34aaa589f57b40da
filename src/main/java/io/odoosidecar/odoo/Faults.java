package io.odoosidecar.odoo;

import java.util.Map;

/**
 * Builds typed exceptions from what each protocol says of an Odoo error.
 *
 * <p>Implementation notes: JSON-RPC and JSON-2 name the exception class ({@code
 * odoo.exceptions.ValidationError}). XML-RPC faults carry only a code and a string: code 2 is a
 * {@code UserError} or one of its subclasses (its message alone), 3 {@code AccessDenied}, 4 {@code
 * AccessError}, and 1 anything else, with the whole traceback, whose last exception line names the
 * class. Under code 2 the subclass is recovered where Odoo's message says it: constraint failures
 * turned into {@code ValidationError} start with "The operation cannot be completed", and {@code
 * MissingError} says "does not exist or has been deleted".
 */
final class Faults {
  private static final String TRACEBACK_HEADER = "Traceback (most recent call last):";

  private Faults() {}

  /** The exception for an XML-RPC fault. */
  static OdooFaultException ofXmlRpc(int code, String faultString) {
    switch (code) {
      case 2:
        return userError(faultString, code);
      case 3:
        return new OdooAuthenticationException(
            OdooErrorKind.ACCESS_DENIED.defaultClass(), faultString, "", code);
      case 4:
        return new OdooFaultException(
            OdooErrorKind.ACCESS_ERROR,
            OdooErrorKind.ACCESS_ERROR.defaultClass(),
            faultString,
            "",
            code);
      default:
        return ofTraceback(faultString, code);
    }
  }

  /** The exception for a JSON-RPC {@code error.data} or a JSON-2 error body. */
  static OdooFaultException ofJson(Map<String, Object> data, String fallbackMessage, int code) {
    String name = data.get("name") instanceof String s ? s : "";
    String message = data.get("message") instanceof String s && !s.isEmpty() ? s : fallbackMessage;
    String debug = data.get("debug") instanceof String s ? s : "";
    if (name.isEmpty()) {
      return ofTraceback(debug.isEmpty() ? message : debug, code);
    }
    return of(qualified(name), message, debug, code);
  }

  static OdooFaultException of(String exceptionClass, String message, String traceback, int code) {
    OdooErrorKind kind = OdooErrorKind.ofExceptionClass(exceptionClass);
    if (kind == OdooErrorKind.ACCESS_DENIED) {
      return new OdooAuthenticationException(exceptionClass, message, traceback, code);
    }
    return new OdooFaultException(kind, exceptionClass, message, traceback, code);
  }

  private static OdooFaultException userError(String message, int code) {
    OdooErrorKind kind = OdooErrorKind.USER_ERROR;
    if (message.startsWith("The operation cannot be completed")) {
      kind = OdooErrorKind.VALIDATION_ERROR;
    } else if (message.contains("does not exist or has been deleted")) {
      kind = OdooErrorKind.MISSING_ERROR;
    }
    return new OdooFaultException(kind, kind.defaultClass(), message, "", code);
  }

  /** Reads the class and message of the last exception a Python traceback prints. */
  static OdooFaultException ofTraceback(String text, int code) {
    int start = text.lastIndexOf(TRACEBACK_HEADER);
    if (start < 0) {
      return of(OdooErrorKind.SERVER_ERROR.defaultClass(), text.strip(), "", code);
    }
    String[] lines = text.substring(start + TRACEBACK_HEADER.length()).split("\n", -1);
    int i = 0;
    while (i < lines.length && (lines[i].isBlank() || Character.isWhitespace(lines[i].charAt(0)))) {
      i++;
    }
    if (i == lines.length) {
      return of(OdooErrorKind.SERVER_ERROR.defaultClass(), "", text, code);
    }
    String head = lines[i];
    int colon = head.indexOf(": ");
    String exceptionClass = colon < 0 ? head.strip() : head.substring(0, colon);
    StringBuilder message = new StringBuilder(colon < 0 ? "" : head.substring(colon + 2));
    for (i++; i < lines.length; i++) {
      message.append('\n').append(lines[i]);
    }
    return of(qualified(exceptionClass), message.toString().strip(), text, code);
  }

  /** Python prints built-in exceptions without their module; the JSON protocols add it. */
  private static String qualified(String exceptionClass) {
    return exceptionClass.contains(".") ? exceptionClass : "builtins." + exceptionClass;
  }
}
