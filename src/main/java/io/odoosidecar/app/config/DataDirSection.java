package io.odoosidecar.app.config;

import java.nio.file.Path;

/** The {@code data-dir} key: where the sidecar keeps its files. */
final class DataDirSection {
  static final String KEY = "data-dir";

  private DataDirSection() {}

  static Path read(ConfigNode root) {
    return Path.of(root.string(KEY).orElse("data"));
  }
}
