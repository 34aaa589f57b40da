package io.odoosidecar.action;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.odoo.RetryPolicy;
import java.time.Duration;

/**
 * How webhook actions send.
 *
 * @param timeout the time-out of each attempt (connection and answer)
 * @param retry attempts and backoff
 * @param sleeper waits between attempts
 * @param log where every attempt is recorded
 * @param sender sends the calls: one for every action run of these settings, so that its HTTP
 *     clients (their threads and connections) are made once
 */
public record WebhookSettings(
    Duration timeout,
    RetryPolicy retry,
    RetryPolicy.Sleeper sleeper,
    AttemptLog log,
    RetryingSender sender) {

  /** Settings with a sender of their own, on the system clock, waiting through {@code sleeper}. */
  public WebhookSettings(
      Duration timeout, RetryPolicy retry, RetryPolicy.Sleeper sleeper, AttemptLog log) {
    this(timeout, retry, sleeper, log, RetryingSender.sleepingWith(sleeper));
  }

  /** Ten seconds per attempt, three attempts from half a second, nothing logged. */
  public static WebhookSettings defaults() {
    return new WebhookSettings(
        Duration.ofSeconds(10),
        new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5)),
        RetryPolicy.Sleeper.system(),
        AttemptLog.NONE);
  }
}
