package io.odoosidecar.http;

import io.odoosidecar.odoo.RetryPolicy.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A sleeper that records every wait asked of it and returns at once. */
public final class RecordingSleeper implements Sleeper {
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration duration) {
    waits.add(duration);
  }

  /** The waits, in order. */
  public List<Duration> waits() {
    return List.copyOf(waits);
  }
}
