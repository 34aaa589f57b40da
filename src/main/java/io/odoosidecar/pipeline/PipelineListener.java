package io.odoosidecar.pipeline;

import java.time.Instant;

/**
 * What the pipeline tells about its work as it goes, for the run history and the metrics. Each
 * method is called on the thread doing the work: an implementation returns quickly and never throws
 * (a listener that fails is logged and ignored by the caller).
 */
public interface PipelineListener {
  /** A listener that hears nothing. */
  PipelineListener NONE = new PipelineListener() {};

  /**
   * Events were stored from a source.
   *
   * @param source {@code push}, {@code poll}, {@code webhook}, {@code timed} or {@code schedule}
   * @param operation the events' operation ({@code create}, {@code write}, {@code unlink}, ...)
   * @param count how many were stored (duplicates left out)
   * @param changedAt when the change was made in Odoo, when the source says so, else null
   * @param storedAt when the sidecar stored them
   */
  default void received(
      String source,
      String database,
      String model,
      String operation,
      int count,
      Instant changedAt,
      Instant storedAt) {}

  /**
   * An event was settled by a batch.
   *
   * @param result {@code done}, {@code retry} (failed, tried again later), {@code waiting} (Odoo
   *     unreachable, not counted as an attempt), {@code parked} (a dead letter) or {@code held} (a
   *     paused rule would fire on it: it waits, not counted as an attempt)
   */
  default void settled(String database, String model, String operation, String result) {}

  /** One rule ran its actions over records of a batch. */
  default void ran(RuleRun run) {}
}
