package io.odoosidecar.action;

import io.odoosidecar.odoo.RetryPolicy;
import java.time.Duration;

/**
 * How webhook actions send.
 *
 * @param timeout the time-out of each attempt (connection and answer)
 * @param retry attempts and backoff
 * @param sleeper waits between attempts
 * @param log where every attempt is recorded
 */
public record WebhookSettings(
    Duration timeout, RetryPolicy retry, RetryPolicy.Sleeper sleeper, AttemptLog log) {

  /** Ten seconds per attempt, three attempts from half a second, nothing logged. */
  public static WebhookSettings defaults() {
    return new WebhookSettings(
        Duration.ofSeconds(10),
        new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5)),
        RetryPolicy.Sleeper.system(),
        AttemptLog.NONE);
  }
}
