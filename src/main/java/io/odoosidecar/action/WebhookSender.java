package io.odoosidecar.action;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The webhook action's HTTP sending: one JSON POST per record, retried with backoff on a network
 * error or a 5xx/429 answer, never on another 4xx (the receiver refused the content), every attempt
 * written to the attempt log. One sender serves one action run (one rule, one URL).
 */
final class WebhookSender {
  private final WebhookSettings settings;
  private final String rule;
  private final String url;
  private HttpClient http;

  WebhookSender(WebhookSettings settings, String rule, String url) {
    this.settings = settings;
    this.rule = rule;
    this.url = url;
  }

  /** POSTs with retries; returns null on success or the last error. */
  String post(long recordId, String idempotencyKey, String body) {
    String lastError = null;
    int attempts = settings.retry().maxAttempts();
    for (int attempt = 1; attempt <= attempts; attempt++) {
      long start = System.nanoTime();
      try {
        int status = send(idempotencyKey, body);
        lastError = status < 400 ? null : "HTTP " + status + " from " + url;
        log(recordId, attempt, status, start, lastError);
        if (status < 400 || status < 500 && status != 429) {
          return lastError; // done, or refused: no point in sending the content again
        }
      } catch (IOException e) {
        lastError = e.getClass().getSimpleName() + " calling " + url + ": " + e.getMessage();
        log(recordId, attempt, 0, start, lastError);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted calling " + url;
      }
      if (attempt < attempts && !pause(attempt)) {
        return lastError;
      }
    }
    return lastError;
  }

  private int send(String idempotencyKey, String body) throws IOException, InterruptedException {
    if (http == null) {
      http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private void log(long recordId, int attempt, int status, long start, String error) {
    long millis = (System.nanoTime() - start) / 1_000_000;
    settings.log().attempt(rule, url, recordId, attempt, status, millis, error);
  }

  /** Waits before the next attempt; false when interrupted. */
  private boolean pause(int attempt) {
    try {
      settings.sleeper().sleep(settings.retry().backoff(attempt));
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
