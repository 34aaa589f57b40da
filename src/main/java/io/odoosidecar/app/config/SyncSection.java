package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.SyncSettings;

/** The {@code sync} section: the outbound syncs' log of HTTP attempts. */
final class SyncSection {
  static final String KEY = "sync";

  private SyncSection() {}

  static SyncSettings read(ConfigNode root) {
    ConfigNode sync = root.child(KEY);
    sync.allowOnlyCatalogued();
    SyncSettings defaults = SyncSettings.DEFAULTS;
    return new SyncSettings(
        sync.positiveDuration("log-retention", defaults.logRetention()),
        sync.size("log-body-limit", defaults.logBodyLimit(), 256, 64 * 1024 * 1024));
  }
}
