package io.odoosidecar.app;

import io.odoosidecar.pipeline.PipelineListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the console's overview shows of the events coming in since the start: how many each source
 * stored, and the last push with its lag (from the change in Odoo to its arrival).
 */
final class Activity implements PipelineListener {
  /** The last push: when it arrived and how long after its oldest change. */
  record LastPush(Instant at, Duration lag) {}

  private final Map<String, AtomicLong> received = new ConcurrentHashMap<>();
  private final AtomicReference<LastPush> lastPush = new AtomicReference<>();

  @Override
  public void received(
      String source,
      String database,
      String model,
      String operation,
      int count,
      Instant changedAt,
      Instant storedAt) {
    received.computeIfAbsent(source, s -> new AtomicLong()).addAndGet(count);
    if (source.equals("push")) {
      Duration lag = changedAt == null ? null : Duration.between(changedAt, storedAt);
      lastPush.set(new LastPush(storedAt, lag == null || lag.isNegative() ? null : lag));
    }
  }

  /** Events stored since the start, every source together. */
  long receivedTotal() {
    return received.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** The last push, or null when none came since the start. */
  LastPush lastPush() {
    return lastPush.get();
  }
}
