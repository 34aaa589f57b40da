package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.LoggingConfig;
import java.util.Locale;

/** The {@code logging} section: log entries as text or as JSON. */
final class LoggingSection {
  static final String KEY = "logging";

  private LoggingSection() {}

  static LoggingConfig read(ConfigNode root) {
    ConfigNode logging = root.child(KEY);
    logging.allowOnlyCatalogued();
    String format =
        logging.string("format").orElse(LoggingConfig.DEFAULTS.format()).toLowerCase(Locale.ROOT);
    if (!format.equals(LoggingConfig.TEXT) && !format.equals(LoggingConfig.JSON)) {
      throw logging.error("format", "must be text or json, got '" + format + "'");
    }
    return new LoggingConfig(format);
  }
}
