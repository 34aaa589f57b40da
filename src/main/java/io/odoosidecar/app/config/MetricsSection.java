package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.MetricsConfig;

/** The {@code metrics} section: whether the metrics are kept and served. */
final class MetricsSection {
  static final String KEY = "metrics";

  private MetricsSection() {}

  static MetricsConfig read(ConfigNode root) {
    ConfigNode metrics = root.child(KEY);
    metrics.allowOnlyCatalogued();
    return new MetricsConfig(metrics.bool("enabled", MetricsConfig.DEFAULTS.enabled()));
  }
}
