package io.odoosidecar.pipeline;

import io.odoosidecar.store.EventLog;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells a {@link PipelineListener} of the events a source stored, by model and operation. */
final class Received {
  private static final Logger LOG = LoggerFactory.getLogger(Received.class);

  private Received() {}

  /**
   * @param changedAt when each event's change was made in Odoo, or null when the source does not
   *     say; a group is told its oldest change
   */
  static void tell(
      PipelineListener listener,
      String source,
      List<EventLog.Event> stored,
      Function<EventLog.Event, Instant> changedAt,
      Instant now) {
    if (stored.isEmpty() || listener == PipelineListener.NONE) {
      return;
    }
    Map<List<String>, Group> groups = new LinkedHashMap<>();
    for (EventLog.Event event : stored) {
      groups
          .computeIfAbsent(
              List.of(event.database(), event.model(), event.operation()), k -> new Group())
          .add(changedAt.apply(event));
    }
    groups.forEach(
        (key, group) -> {
          try {
            listener.received(
                source, key.get(0), key.get(1), key.get(2), group.count, group.oldest, now);
          } catch (RuntimeException e) {
            LOG.warn("the pipeline's listener failed: {}", e.getMessage());
          }
        });
  }

  private static final class Group {
    int count;
    Instant oldest;

    void add(Instant changed) {
      count++;
      if (changed != null && (oldest == null || changed.isBefore(oldest))) {
        oldest = changed;
      }
    }
  }
}
