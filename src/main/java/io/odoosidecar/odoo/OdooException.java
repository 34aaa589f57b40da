package io.odoosidecar.odoo;

import io.odoosidecar.SidecarException;

/** A failure while talking to an Odoo server: either a fault Odoo raised or a transport failure. */
public abstract class OdooException extends SidecarException {
  private static final long serialVersionUID = 1L;

  protected OdooException(String message) {
    super(message);
  }

  protected OdooException(String message, Throwable cause) {
    super(message, cause);
  }
}
