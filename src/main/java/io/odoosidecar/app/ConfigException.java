package io.odoosidecar.app;

import io.odoosidecar.SidecarException;
import java.nio.file.Path;

/** A configuration that cannot be used; the message names the file and the key. */
public final class ConfigException extends SidecarException {
  private static final long serialVersionUID = 1L;

  public ConfigException(Path file, String key, String problem) {
    super(file + ": " + (key.isEmpty() ? "" : key + ": ") + problem);
  }
}
