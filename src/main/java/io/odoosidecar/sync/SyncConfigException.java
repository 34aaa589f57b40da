package io.odoosidecar.sync;

import io.odoosidecar.SidecarException;
import java.nio.file.Path;

/** A sync configuration that cannot be used; the message names the file, the config and the key. */
public final class SyncConfigException extends SidecarException {
  private static final long serialVersionUID = 1L;

  /**
   * @param file the rule file
   * @param config the config's label ({@code 'customers'}, or {@code #2} when it has no name)
   * @param key the key within the config, or null
   * @param problem what is wrong
   */
  public SyncConfigException(Path file, String config, String key, String problem) {
    super(
        file
            + ": "
            + (config == null ? "" : "sync " + config + ": ")
            + (key == null ? "" : key + ": ")
            + problem);
  }
}
