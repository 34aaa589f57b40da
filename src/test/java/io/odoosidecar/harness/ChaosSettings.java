package io.odoosidecar.harness;

import java.time.Duration;
import java.util.Map;

/**
 * What a chaos run does.
 *
 * @param instances sidecar processes on the one event log
 * @param changes changes made (one per record)
 * @param writers changes made at once
 * @param kills kill -9s of instances, at least (each restarted)
 * @param restartDelay the longest wait between a kill and its restart (random up to it)
 * @param restartPostgres whether PostgreSQL is restarted once, during the changes
 * @param restartOdoo whether Odoo is restarted once, during the changes
 * @param endpointDown how long the counting endpoint refuses, once, during the changes
 * @param downMode how it refuses
 * @param hostile whether the hostile-input suites run against the instances during the changes
 * @param drainTimeout how long the backlog may take to drain after the last change
 * @param quiet how long to go on watching once every effect was found (late duplicates)
 * @param batchSize each instance's {@code pipeline.batch-size}
 * @param seed the random choices' seed
 */
public record ChaosSettings(
    int instances,
    int changes,
    int writers,
    int kills,
    Duration restartDelay,
    boolean restartPostgres,
    boolean restartOdoo,
    Duration endpointDown,
    CountingServer.Mode downMode,
    boolean hostile,
    Duration drainTimeout,
    Duration quiet,
    int batchSize,
    long seed) {

  /** The hand run's defaults: 2 instances, 10,000 changes, 30 kills, every disruption. */
  public static ChaosSettings full() {
    return new ChaosSettings(
        2,
        10_000,
        4,
        30,
        Duration.ofSeconds(3),
        true,
        true,
        Duration.ofMinutes(1),
        CountingServer.Mode.REFUSED,
        true,
        Duration.ofMinutes(15),
        Duration.ofSeconds(15),
        50,
        System.nanoTime());
  }

  /** These settings with the command line's options ({@code --changes 500}, ...) applied. */
  public ChaosSettings with(Map<String, String> options) {
    return new ChaosSettings(
        integer(options, "instances", instances),
        integer(options, "changes", changes),
        integer(options, "writers", writers),
        integer(options, "kills", kills),
        seconds(options, "restart-delay", restartDelay),
        bool(options, "restart-postgres", restartPostgres),
        bool(options, "restart-odoo", restartOdoo),
        seconds(options, "endpoint-down", endpointDown),
        options.containsKey("down-mode")
            ? ("503".equals(options.get("down-mode"))
                ? CountingServer.Mode.UNAVAILABLE
                : CountingServer.Mode.REFUSED)
            : downMode,
        bool(options, "hostile", hostile),
        seconds(options, "drain-timeout", drainTimeout),
        seconds(options, "quiet", quiet),
        integer(options, "batch-size", batchSize),
        options.containsKey("seed") ? Long.parseLong(options.get("seed")) : seed);
  }

  /** The option names {@link #with} reads. */
  static final String[] OPTIONS = {
    "instances", "changes", "writers", "kills", "restart-delay", "restart-postgres", "restart-odoo",
    "endpoint-down", "down-mode", "hostile", "drain-timeout", "quiet", "batch-size", "seed"
  };

  private static int integer(Map<String, String> options, String key, int absent) {
    return options.containsKey(key) ? Integer.parseInt(options.get(key)) : absent;
  }

  private static boolean bool(Map<String, String> options, String key, boolean absent) {
    return options.containsKey(key) ? Boolean.parseBoolean(options.get(key)) : absent;
  }

  private static Duration seconds(Map<String, String> options, String key, Duration absent) {
    return options.containsKey(key)
        ? Duration.ofMillis(Math.round(Double.parseDouble(options.get(key)) * 1000))
        : absent;
  }
}
