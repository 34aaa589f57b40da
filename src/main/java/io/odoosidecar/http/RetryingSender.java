package io.odoosidecar.http;

import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.odoo.RetryPolicy.Sleeper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Sends a call with retries: connection errors, time-outs, 408, 425, 429 and 5xx are tried again
 * after a backoff; 2xx is a {@link Outcome.Success}; any other answer is a final {@link
 * Outcome.Rejected} at once; a retryable failure on the last try is {@link Outcome.Exhausted}.
 *
 * <p>The signer is applied before every try. On a 401 when {@link Signer#refreshAfter401()}, the
 * signer is invalidated for the credential that call carried ({@link Signer#invalidate(HttpCall)})
 * and the call signed and tried once more, without a wait and without using a try of the {@link
 * Retry} (once per send). Headers set by the caller, such as {@code Idempotency-Key}, are sent
 * unchanged on every try. Every try is handed to {@code onAttempt} with its secret headers masked:
 * the signer's {@link Signer#secretHeaders()} and those secret by name (see {@link
 * HttpCall#redacted}); Set-Cookie is masked in the answers the attempts keep.
 *
 * <p>An answer's body is kept up to {@link #MAX_ANSWER_BYTES} (or the size given): the rest is not
 * downloaded (the connection is closed) and the answer is {@link HttpAnswer#truncated()}; its
 * status counts as usual, so a 2xx is a success whose body is cut (an OAuth2 token endpoint's cut
 * answer is not JSON and fails as such).
 *
 * <p>Implementation notes: one {@link HttpClient} per connect time-out is built and kept (HTTP/1.1,
 * redirects not followed); the call's read time-out is the request's time-out. The headers {@code
 * Connection}, {@code Content-Length}, {@code Expect}, {@code Host} and {@code Upgrade} are set by
 * the HTTP client and skipped when a call has them. The wait between two tries is the {@code
 * Retry-After} header when a retryable answer has one (whole seconds, or an HTTP date measured from
 * the injected clock; capped by {@link Retry#max()}), otherwise {@link Retry#backoff} with the
 * injected random generator (equal jitter). Waits go through the injected {@link Sleeper}, so tests
 * never sleep. An interrupt while waiting stops the send: the interrupt flag is set again and
 * {@link HttpInterruptedException} thrown.
 */
public final class RetryingSender {
  private static final Set<String> RESTRICTED =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  /** Draws from the calling thread's {@link ThreadLocalRandom}, so it is safe for all threads. */
  private static final RandomGenerator THREAD_LOCAL =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          return ThreadLocalRandom.current().nextLong();
        }
      };

  /** The most of an answer's body kept by default: 8 MiB. */
  public static final int MAX_ANSWER_BYTES = 8 * 1024 * 1024;

  private final Clock clock;
  private final int maxAnswerBytes;
  private final Sleeper sleeper;
  private final RandomGenerator jitter;
  private final ConcurrentMap<Duration, HttpClient> clients = new ConcurrentHashMap<>();

  /**
   * A sender.
   *
   * @param clock measures each try and reads {@code Retry-After} dates
   * @param sleeper waits between two tries
   * @param jitter draws the backoff's random part; shared by every send, so it must be safe for the
   *     threads that send at once (or used by one thread only)
   */
  public RetryingSender(Clock clock, Sleeper sleeper, RandomGenerator jitter) {
    this(clock, sleeper, jitter, MAX_ANSWER_BYTES);
  }

  /**
   * A sender keeping at most {@code maxAnswerBytes} of an answer's body.
   *
   * @param maxAnswerBytes where bodies are cut (at least 1)
   */
  public RetryingSender(Clock clock, Sleeper sleeper, RandomGenerator jitter, int maxAnswerBytes) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.jitter = Objects.requireNonNull(jitter, "jitter");
    if (maxAnswerBytes < 1) {
      throw new IllegalArgumentException(
          "maxAnswerBytes must be at least 1, got " + maxAnswerBytes);
    }
    this.maxAnswerBytes = maxAnswerBytes;
  }

  /** A sender on the system clock that really sleeps, its jitter from {@link ThreadLocalRandom}. */
  public static RetryingSender system() {
    return new RetryingSender(Clock.systemUTC(), Sleeper.system(), THREAD_LOCAL);
  }

  /** A sender on the system clock waiting through {@code sleeper}, safe for all threads. */
  public static RetryingSender sleepingWith(Sleeper sleeper) {
    return new RetryingSender(Clock.systemUTC(), sleeper, THREAD_LOCAL);
  }

  /**
   * Sends {@code call}, signed by {@code signer} before every try, retried as {@code retry} says.
   *
   * @param onAttempt told of every try as it ends (secret headers masked)
   * @throws HttpInterruptedException when the thread is interrupted (its flag set again)
   */
  public Outcome send(HttpCall call, Retry retry, Signer signer, Consumer<Attempt> onAttempt) {
    return new Run(call, retry, signer, onAttempt).go();
  }

  /** One try's result: an answer or an error, and whether a later try may do better. */
  private record Try(HttpAnswer answer, String error, boolean retryable) {}

  /** The state of one send. */
  private final class Run {
    private final HttpCall call;
    private final Retry retry;
    private final Signer signer;
    private final Consumer<Attempt> onAttempt;
    private final List<Attempt> attempts = new ArrayList<>();
    private HttpCall lastSigned;

    Run(HttpCall call, Retry retry, Signer signer, Consumer<Attempt> onAttempt) {
      this.call = Objects.requireNonNull(call, "call");
      this.retry = Objects.requireNonNull(retry, "retry");
      this.signer = Objects.requireNonNull(signer, "signer");
      this.onAttempt = Objects.requireNonNull(onAttempt, "onAttempt");
    }

    Outcome go() {
      boolean refreshed = false;
      for (int tries = 1; ; tries++) {
        Try result = once();
        if (!refreshed && status(result) == 401 && signer.refreshAfter401()) {
          refreshed = true;
          signer.invalidate(lastSigned);
          tries--;
          continue;
        }
        Outcome end = settled(result, tries);
        if (end != null) {
          return end;
        }
        pause(wait(result.answer(), tries));
      }
    }

    /** The outcome when {@code result} ends the send, or null to try again. */
    private Outcome settled(Try result, int tries) {
      HttpAnswer answer = result.answer();
      if (answer != null && answer.successful()) {
        return new Outcome.Success(answer, attempts);
      }
      if (answer != null && !result.retryable()) {
        return new Outcome.Rejected(answer, attempts);
      }
      if (!result.retryable() || tries >= retry.attempts()) {
        return new Outcome.Exhausted(answer, attempts, result.error());
      }
      return null;
    }

    private Try once() {
      Instant start = clock.instant();
      HttpCall signed = call;
      Try result;
      try {
        signed = signer.sign(call);
        result = exchange(signed);
      } catch (SigningException e) {
        result = new Try(null, e.getMessage(), e.retriable());
      }
      HttpAnswer shown = result.answer() == null ? null : result.answer().redacted();
      String error = result.answer() == null ? result.error() : null;
      lastSigned = signed;
      Attempt attempt =
          new Attempt(
              attempts.size() + 1,
              signed.redacted(signer.secretHeaders()),
              shown,
              error,
              Duration.between(start, clock.instant()));
      attempts.add(attempt);
      onAttempt.accept(attempt);
      return result;
    }

    private Try exchange(HttpCall signed) {
      HttpRequest request;
      HttpClient client;
      try {
        request = request(signed);
        client = client(signed.connectTimeout());
      } catch (IllegalArgumentException e) {
        return new Try(
            null, "the request cannot be sent: " + Redaction.text(e.getMessage()), false);
      }
      try {
        HttpResponse<CappedBody.Bytes> response =
            client.send(request, CappedBody.handler(maxAnswerBytes));
        HttpAnswer answer =
            new HttpAnswer(
                response.statusCode(),
                response.headers().map(),
                response.body().body(),
                response.body().truncated());
        return new Try(answer, "HTTP " + answer.status(), retryable(answer.status()));
      } catch (IOException e) {
        return new Try(null, describe(e, signed), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HttpInterruptedException(
            "interrupted while waiting for " + signed.method() + " " + Redaction.url(signed.uri()),
            e);
      }
    }

    private void pause(Duration duration) {
      try {
        sleeper.sleep(duration);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new HttpInterruptedException(
            "interrupted between two tries of " + call.method() + " " + Redaction.url(call.uri()),
            e);
      }
    }

    private Duration wait(HttpAnswer answer, int failed) {
      Optional<Duration> after = answer == null ? Optional.empty() : retryAfter(answer);
      return after
          .map(d -> d.compareTo(retry.max()) > 0 ? retry.max() : d)
          .orElseGet(() -> retry.backoff(failed, jitter));
    }
  }

  private static int status(Try result) {
    return result.answer() == null ? 0 : result.answer().status();
  }

  /** Whether an answer's status may be cured by trying again: 408, 425, 429 and 5xx. */
  static boolean retryable(int status) {
    return status == 408 || status == 425 || status == 429 || status >= 500 && status < 600;
  }

  /** The wait a {@code Retry-After} header asks for, if it has a readable one. */
  Optional<Duration> retryAfter(HttpAnswer answer) {
    Optional<String> header = answer.header("Retry-After").map(String::trim);
    if (header.isEmpty() || header.get().isEmpty()) {
      return Optional.empty();
    }
    String text = header.get();
    if (text.chars().allMatch(Character::isDigit)) {
      return Optional.of(
          text.length() > 12
              ? Duration.ofSeconds(999_999_999_999L)
              : Duration.ofSeconds(Long.parseLong(text)));
    }
    try {
      Instant when = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration left = Duration.between(clock.instant(), when);
      return Optional.of(left.isNegative() ? Duration.ZERO : left);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private HttpClient client(Duration connectTimeout) {
    return clients.computeIfAbsent(
        connectTimeout,
        timeout ->
            HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build());
  }

  private static HttpRequest request(HttpCall call) {
    HttpRequest.BodyPublisher body =
        call.body().length == 0
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(call.body());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(call.uri())
            .timeout(call.readTimeout())
            .method(call.method().toUpperCase(Locale.ROOT), body);
    call.headers()
        .forEach(
            (name, values) -> {
              if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
              }
            });
    return builder.build();
  }

  private static String describe(IOException e, HttpCall call) {
    String where = call.uri().getHost() + ":" + port(call);
    if (e instanceof HttpConnectTimeoutException) {
      return "connect time-out after " + call.connectTimeout().toMillis() + " ms to " + where;
    }
    if (e instanceof HttpTimeoutException) {
      return "read time-out after " + call.readTimeout().toMillis() + " ms from " + where;
    }
    if (e instanceof ConnectException) {
      return "cannot connect to " + where + " (connection refused)";
    }
    String message = e.getMessage() == null ? "" : ": " + Redaction.text(e.getMessage());
    return e.getClass().getSimpleName() + " with " + where + message;
  }

  private static int port(HttpCall call) {
    int port = call.uri().getPort();
    return port >= 0 ? port : "https".equalsIgnoreCase(call.uri().getScheme()) ? 443 : 80;
  }
}
