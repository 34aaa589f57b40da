package io.odoosidecar.pipeline;

import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several listeners as one: each hears everything, in order, a failing one not stopping the next.
 */
public final class Listeners implements PipelineListener {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

  private final List<PipelineListener> listeners;

  private Listeners(List<PipelineListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** The listeners as one. */
  public static PipelineListener of(PipelineListener... listeners) {
    return new Listeners(List.of(listeners));
  }

  @Override
  public void received(
      String source,
      String database,
      String model,
      String operation,
      int count,
      Instant changedAt,
      Instant storedAt) {
    each(l -> l.received(source, database, model, operation, count, changedAt, storedAt));
  }

  @Override
  public void settled(String database, String model, String operation, String result) {
    each(l -> l.settled(database, model, operation, result));
  }

  @Override
  public void ran(RuleRun run) {
    each(l -> l.ran(run));
  }

  private void each(java.util.function.Consumer<PipelineListener> call) {
    for (PipelineListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn(
            "the pipeline's listener {} failed: {}",
            listener.getClass().getSimpleName(),
            e.getMessage());
      }
    }
  }
}
