package io.odoosidecar.domain;

import io.odoosidecar.SidecarException;

/** A domain that cannot be parsed or that Odoo would reject; the message names the leaf. */
public final class DomainException extends SidecarException {
  private static final long serialVersionUID = 1L;

  public DomainException(String message) {
    super(message);
  }
}
