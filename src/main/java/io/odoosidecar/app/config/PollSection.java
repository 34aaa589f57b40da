package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.PollConfig;
import java.util.ArrayList;
import java.util.List;

/** The {@code poll} section: the poller, on unless the file turns it off. */
final class PollSection {
  static final String KEY = "poll";

  private PollSection() {}

  static PollConfig read(ConfigNode root) {
    ConfigNode poll = root.child(KEY);
    poll.allowOnlyCatalogued();
    PollConfig defaults = PollConfig.OFF;
    return new PollConfig(
        poll.bool("enabled", true),
        poll.duration("interval", defaults.interval()),
        poll.integer("batch-size", defaults.batchSize(), 1, 100_000),
        poll.duration("deletion-interval", defaults.deletionInterval()),
        models(poll));
  }

  /** The models named, comma- or space-separated; empty for those the rules watch. */
  private static List<String> models(ConfigNode poll) {
    List<String> models = new ArrayList<>();
    for (String model : poll.string("models").orElse("").split("[,\\s]+")) {
      if (!model.isBlank()) {
        models.add(model);
      }
    }
    return models;
  }
}
