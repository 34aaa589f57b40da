package io.odoosidecar.sync.auth;

import io.odoosidecar.SidecarException;
import java.nio.file.Path;

/**
 * A sync config's {@code auth:} mapping that cannot be used. The message names the file, the sync
 * config and the key ({@code config/rules/crm.yaml: sync 'customers': auth.token-env: the
 * environment variable API_TOKEN is not set}), never a secret's value.
 */
public final class AuthConfigException extends SidecarException {
  private static final long serialVersionUID = 1L;

  public AuthConfigException(Path file, String config, String key, String problem) {
    super(
        file
            + ": "
            + (config == null || config.isBlank() ? "" : "sync '" + config + "': ")
            + "auth"
            + (key.isEmpty() ? "" : "." + key)
            + ": "
            + problem);
  }
}
