package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig;
import io.odoosidecar.app.SidecarConfig.PipelineConfig;
import io.odoosidecar.odoo.RetryPolicy;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/** The {@code pipeline} section: workers, batches, chained firings and the events' retries. */
final class PipelineSection {
  static final String KEY = "pipeline";

  private PipelineSection() {}

  static PipelineConfig read(ConfigNode root) {
    ConfigNode pipeline = root.child(KEY);
    pipeline.allowOnlyCatalogued();
    PipelineConfig defaults = PipelineConfig.DEFAULTS;
    RetryPolicy retry = RetrySection.read(pipeline.child("retry"), defaults.retry(), 1000);
    PipelineConfig config =
        new PipelineConfig(
            pipeline.integer("workers", defaults.workers(), 1, 64),
            pipeline.integer("batch-size", defaults.batchSize(), 1, 100_000),
            pipeline.integer("max-depth", defaults.maxDepth(), 1, 100),
            retry,
            pipeline.duration("drain-timeout", defaults.drainTimeout()));
    warnOfTimedInterval(pipeline);
    return config;
  }

  /** {@code timed-interval} is still accepted (and checked) but no longer used. */
  private static void warnOfTimedInterval(ConfigNode pipeline) {
    if (pipeline.has("timed-interval")) {
      pipeline.duration("timed-interval", Duration.ofMinutes(1));
      LoggerFactory.getLogger(SidecarConfig.class)
          .warn(
              "pipeline.timed-interval is no longer used and can be removed: timed rules fire at"
                  + " each record's due time");
    }
  }
}
