package io.odoosidecar.app.config;

import java.util.Objects;

/**
 * One key of the sidecar's configuration.
 *
 * @param path the dotted path from the top of the file ({@code server.port}), with {@code NAME}
 *     standing for a connection's name ({@code odoo.connections.NAME.url})
 * @param shownDefault the default as users are told it (Markdown: literal values in backticks)
 * @param meaning what the key does (Markdown, one line)
 */
public record ConfigKey(String path, String shownDefault, String meaning) {
  public ConfigKey {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(shownDefault, "shownDefault");
    Objects.requireNonNull(meaning, "meaning");
  }
}
