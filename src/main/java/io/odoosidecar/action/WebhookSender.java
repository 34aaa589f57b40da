package io.odoosidecar.action;

import io.odoosidecar.http.Attempt;
import io.odoosidecar.http.HttpCall;
import io.odoosidecar.http.HttpInterruptedException;
import io.odoosidecar.http.Outcome;
import io.odoosidecar.http.Retry;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The webhook action's HTTP sending: one JSON POST per record through the shared {@link
 * RetryingSender}, retried with backoff on a network error, a time-out or a 408, 425, 429 or 5xx
 * answer, never on another 4xx (the receiver refused the content) nor a 3xx (redirects are not
 * followed), every attempt written to the attempt log. One sender serves one action run (one rule,
 * one URL).
 */
final class WebhookSender {
  private final WebhookSettings settings;
  private final String rule;
  private final String url;
  private final RetryingSender sender;
  private final Retry retry;

  WebhookSender(WebhookSettings settings, String rule, String url) {
    this.settings = settings;
    this.rule = rule;
    this.url = url;
    // the system clock times the attempts; the settings' sleeper waits between them
    this.sender = new RetryingSender(Clock.systemUTC(), settings.sleeper(), new SplittableRandom());
    this.retry =
        new Retry(
            settings.retry().maxAttempts(),
            settings.retry().initialBackoff(),
            settings.retry().maxBackoff());
  }

  /** POSTs with retries; returns null on success or the last error. */
  String post(long recordId, String idempotencyKey, String body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Content-Type", List.of("application/json"));
    headers.put("Idempotency-Key", List.of(idempotencyKey));
    HttpCall call =
        new HttpCall(
            "POST",
            URI.create(url),
            headers,
            body.getBytes(StandardCharsets.UTF_8),
            settings.timeout(),
            settings.timeout());
    Outcome outcome;
    try {
      outcome = sender.send(call, retry, Signer.none(), attempt -> log(recordId, attempt));
    } catch (HttpInterruptedException e) {
      return "interrupted calling " + url;
    }
    if (outcome instanceof Outcome.Success) {
      return null;
    }
    return outcome.answer() != null ? error(outcome.status()) : lastError(outcome);
  }

  private String error(int status) {
    return "HTTP " + status + " from " + url;
  }

  private static String lastError(Outcome outcome) {
    return outcome instanceof Outcome.Exhausted exhausted ? exhausted.lastError() : "no answer";
  }

  private void log(long recordId, Attempt attempt) {
    int status = attempt.answer() == null ? 0 : attempt.answer().status();
    String error =
        attempt.answer() == null
            ? attempt.error()
            : attempt.answer().successful() ? null : error(status);
    settings
        .log()
        .attempt(rule, url, recordId, attempt.number(), status, attempt.took().toMillis(), error);
  }
}
