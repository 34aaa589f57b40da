package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.EventLogConfig;
import io.odoosidecar.odoo.Redaction;
import java.util.Map;
import java.util.Optional;

/** The {@code event-log} section: embedded H2, or a PostgreSQL JDBC URL with its credentials. */
final class EventLogSection {
  static final String KEY = "event-log";

  private EventLogSection() {}

  static EventLogConfig read(ConfigNode root, Map<String, String> env) {
    ConfigNode log = root.child(KEY);
    log.allowOnlyCatalogued();
    Optional<String> url = log.string("url");
    if (url.isPresent() && !url.get().startsWith("jdbc:")) {
      throw log.error(
          "url",
          "must be a JDBC URL (jdbc:postgresql://host:5432/db), got " + Redaction.text(url.get()));
    }
    EventLogConfig defaults = EventLogConfig.DEFAULTS;
    return new EventLogConfig(
        url,
        log.string("user").orElse(defaults.user()),
        Secrets.read(log, "password", null, env),
        log.duration("retention", defaults.retention()));
  }
}
