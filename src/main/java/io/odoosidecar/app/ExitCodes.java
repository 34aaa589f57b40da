package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooAuthenticationException;
import io.odoosidecar.odoo.OdooFaultException;
import io.odoosidecar.odoo.OdooTransportException;

/** The exit codes of the command line. */
final class ExitCodes {
  static final int OK = 0;

  /** Odoo refused the call (a fault). */
  static final int ODOO_ERROR = 1;

  /** Bad usage or configuration. */
  static final int USAGE = 2;

  /** Odoo could not be reached. */
  static final int UNREACHABLE = 3;

  /** Odoo refused the credentials. */
  static final int AUTHENTICATION = 4;

  private ExitCodes() {}

  static int of(Exception e) {
    if (e instanceof OdooAuthenticationException) {
      return AUTHENTICATION;
    }
    if (e instanceof OdooFaultException) {
      return ODOO_ERROR;
    }
    if (e instanceof OdooTransportException) {
      return UNREACHABLE;
    }
    return USAGE;
  }
}
