package io.odoosidecar.http;

import io.odoosidecar.SidecarException;

/**
 * A signer could not add its credentials (an OAuth2 token endpoint down or refusing). The message
 * never holds a secret. {@link #retriable()} tells the sender whether a later try may succeed.
 */
public class SigningException extends SidecarException {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  public SigningException(String message, boolean retriable) {
    super(message);
    this.retriable = retriable;
  }

  @Override
  public boolean retriable() {
    return retriable;
  }
}
