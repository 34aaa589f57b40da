package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.HistoryConfig;

/** The {@code history} section: how long, and how many of, the rules' runs are kept. */
final class HistorySection {
  static final String KEY = "history";

  private HistorySection() {}

  static HistoryConfig read(ConfigNode root) {
    ConfigNode history = root.child(KEY);
    history.allowOnlyCatalogued();
    HistoryConfig defaults = HistoryConfig.DEFAULTS;
    return new HistoryConfig(
        history.positiveDuration("retention", defaults.retention()),
        history.integer("max-runs", defaults.maxRuns(), 100, 10_000_000));
  }
}
