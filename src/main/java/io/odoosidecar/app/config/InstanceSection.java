package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.InstanceConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code instance} section: this sidecar among the instances sharing a PostgreSQL event log,
 * its id and the lease its claims and its leadership hold for without a heartbeat.
 */
final class InstanceSection {
  static final String KEY = "instance";

  /**
   * The shortest lease: its heartbeat, every third of it, must not come more than once a second.
   */
  static final Duration SHORTEST = Duration.ofSeconds(3);

  /** The longest id the stores keep. */
  static final int LONGEST_ID = 255;

  private InstanceSection() {}

  static InstanceConfig read(ConfigNode root) {
    ConfigNode instance = root.child(KEY);
    instance.allowOnlyCatalogued();
    InstanceConfig defaults = InstanceConfig.DEFAULTS;
    Optional<String> id = instance.string("id");
    if (id.isPresent()
        && (id.get().length() > LONGEST_ID || id.get().chars().anyMatch(Character::isISOControl))) {
      throw instance.error(
          "id", "must be at most " + LONGEST_ID + " characters, none of them a control character");
    }
    Duration lease = instance.duration("lease", defaults.lease());
    if (lease.compareTo(SHORTEST) < 0) {
      throw instance.error("lease", "must be at least " + SHORTEST.toSeconds() + "s, got " + lease);
    }
    return new InstanceConfig(id.orElse(defaults.id()), lease);
  }
}
