package io.odoosidecar.http;

import java.util.List;

/** How a call ended, with every try it took. */
public sealed interface Outcome {
  /** The last answer, or null when the last try got none. */
  HttpAnswer answer();

  /** Every try, in order, secret headers masked. */
  List<Attempt> attempts();

  /** The last answer's status, or 0 when the last try got no answer. */
  default int status() {
    return answer() == null ? 0 : answer().status();
  }

  /** A 2xx answer. */
  record Success(HttpAnswer answer, List<Attempt> attempts) implements Outcome {
    public Success {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * A final answer, never retried: 4xx other than 408, 425 and 429 (a 401 after the signer's one
   * refresh included), or a status outside 2xx, 4xx and 5xx (3xx: redirects are not followed).
   */
  record Rejected(HttpAnswer answer, List<Attempt> attempts) implements Outcome {
    public Rejected {
      attempts = List.copyOf(attempts);
    }
  }

  /**
   * Retryable failures used every try, or a failure that cannot be retried without an answer (the
   * signer failing for good, a request the HTTP client refuses).
   *
   * @param answer the last answer (a 5xx, 429, ...), or null when the last try got none
   * @param lastError the last failure in words ({@code HTTP 503}, {@code connection refused ...})
   */
  record Exhausted(HttpAnswer answer, List<Attempt> attempts, String lastError) implements Outcome {
    public Exhausted {
      attempts = List.copyOf(attempts);
    }
  }
}
