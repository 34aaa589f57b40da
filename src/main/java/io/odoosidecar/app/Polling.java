package io.odoosidecar.app;

import io.odoosidecar.pipeline.Poller;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code write_date} pollers, one per database, and what each pass found, by model. */
final class Polling {
  private static final Logger LOG = LoggerFactory.getLogger(Polling.class);

  private final Map<String, Poller> pollers;
  private final List<String> configured;
  private final Clock clock;
  private final Runnable wake;
  private final Map<String, Map<String, Object>> status = new ConcurrentHashMap<>();

  /**
   * @param configured the models to poll, or empty for those the rules watch
   * @param wake called when a pass stored events
   */
  Polling(Map<String, Poller> pollers, List<String> configured, Clock clock, Runnable wake) {
    this.pollers = new LinkedHashMap<>(pollers);
    this.configured = List.copyOf(configured);
    this.clock = clock;
    this.wake = wake;
  }

  /** One pass over every database and model; a model that fails is tried in the next pass. */
  void pollOnce() {
    pollers.forEach(
        (db, poller) -> {
          Collection<String> models = configured.isEmpty() ? poller.models() : configured;
          for (String model : models) {
            status.merge(
                db + "/" + model,
                poll(db, poller, model),
                (a, b) -> {
                  a.putAll(b);
                  return a;
                });
          }
        });
  }

  private Map<String, Object> poll(String db, Poller poller, String model) {
    Map<String, Object> s = new LinkedHashMap<>();
    try {
      int stored = poller.poll(model);
      s.put("last_poll", String.valueOf(clock.instant()));
      s.put("last_events", stored);
      s.put("last_error", "");
      if (stored > 0) {
        wake.run();
      }
    } catch (RuntimeException e) {
      s.put("last_error", e.getMessage());
      LOG.warn("poll of {} on {} failed, next try in the next pass: {}", model, db, e.getMessage());
    }
    return s;
  }

  /** Each database/model's last pass, sorted. */
  Map<String, Map<String, Object>> status() {
    return new TreeMap<>(status);
  }

  /** Whether every model has had at least one pass. */
  boolean polledOnce() {
    return !status.isEmpty() && status.values().stream().allMatch(s -> s.containsKey("last_poll"));
  }
}
