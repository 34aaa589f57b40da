package io.odoosidecar.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryingSenderTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Retry RETRY = new Retry(4, Duration.ofMillis(100), Duration.ofSeconds(10));

  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final TestClock clock = new TestClock(NOW);
  private final RecordingSleeper sleeper = new RecordingSleeper();
  private final RetryingSender sender = new RetryingSender(clock, sleeper, new SplittableRandom(7));
  private final List<Attempt> seen = new ArrayList<>();

  @BeforeEach
  void reset() {
    api.resetAll();
  }

  private HttpCall call(String path) {
    return new HttpCall(
        "POST",
        URI.create(api.baseUrl() + path),
        Map.of(
            "Content-Type", List.of("application/json"),
            "Idempotency-Key", List.of("key-123")),
        "{\"name\":\"Azure\"}".getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5));
  }

  private void failThenSucceed(String path, int... statuses) {
    String state = STARTED;
    for (int i = 0; i < statuses.length; i++) {
      String next = "after " + i;
      api.stubFor(
          post(urlPathEqualTo(path))
              .inScenario(path)
              .whenScenarioStateIs(state)
              .willReturn(aResponse().withStatus(statuses[i]))
              .willSetStateTo(next));
      state = next;
    }
    api.stubFor(
        post(urlPathEqualTo(path))
            .inScenario(path)
            .whenScenarioStateIs(state)
            .willReturn(aResponse().withStatus(201).withBody("{\"id\":42}")));
  }

  @Test
  void send_503Twice_retriesThenSucceedsWithTheSameIdempotencyKey() {
    failThenSucceed("/partners", 503, 503);

    Outcome outcome = sender.send(call("/partners"), RETRY, Signer.none(), seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    assertThat(outcome.answer().status()).isEqualTo(201);
    assertThat(outcome.answer().bodyText()).isEqualTo("{\"id\":42}");
    assertThat(outcome.attempts())
        .extracting(a -> a.answer().status())
        .containsExactly(503, 503, 201);
    assertThat(seen).isEqualTo(outcome.attempts());
    List<LoggedRequest> requests = api.findAll(postRequestedFor(urlPathEqualTo("/partners")));
    assertThat(requests).hasSize(3);
    assertThat(requests)
        .extracting(r -> r.getHeader("Idempotency-Key"))
        .containsExactly("key-123", "key-123", "key-123");
    assertThat(requests)
        .extracting(LoggedRequest::getBodyAsString)
        .containsOnly("{\"name\":\"Azure\"}");
  }

  @Test
  void send_backoffGrowsWithEqualJitter() {
    failThenSucceed("/grow", 500, 502, 504);

    sender.send(call("/grow"), RETRY, Signer.none(), seen::add);

    List<Duration> waits = sleeper.waits();
    assertThat(waits).hasSize(3);
    for (int i = 0; i < waits.size(); i++) {
      long ceiling = 100L << i;
      assertThat(waits.get(i).toMillis()).isBetween(ceiling / 2, ceiling);
    }
  }

  @Test
  void backoff_isCappedByMax() {
    Retry retry = new Retry(10, Duration.ofMillis(100), Duration.ofMillis(300));
    SplittableRandom random = new SplittableRandom(1);
    for (int failed = 1; failed < 40; failed++) {
      assertThat(retry.backoff(failed, random).toMillis()).isBetween(0L, 300L);
    }
    assertThat(retry.backoff(9, random).toMillis()).isGreaterThanOrEqualTo(150);
  }

  @Test
  void send_429WithRetryAfterSeconds_waitsWhatTheServerAsked() {
    api.stubFor(
        post(urlPathEqualTo("/limited"))
            .inScenario("limited")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7"))
            .willSetStateTo("ok"));
    api.stubFor(
        post(urlPathEqualTo("/limited"))
            .inScenario("limited")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(200)));

    Outcome outcome = sender.send(call("/limited"), RETRY, Signer.none(), seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7));
  }

  @Test
  void send_503WithRetryAfterDate_waitsUntilThatDateByTheClock() {
    String date =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(90).atOffset(ZoneOffset.UTC));
    api.stubFor(
        post(urlPathEqualTo("/dated"))
            .inScenario("dated")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503).withHeader("Retry-After", date))
            .willSetStateTo("ok"));
    api.stubFor(
        post(urlPathEqualTo("/dated"))
            .inScenario("dated")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(200)));

    Retry patient = new Retry(2, Duration.ofMillis(100), Duration.ofMinutes(5));

    sender.send(call("/dated"), patient, Signer.none(), seen::add);

    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(90));
  }

  @Test
  void send_retryAfterBeyondMax_isCappedByMax() {
    api.stubFor(
        post(urlPathEqualTo("/long"))
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
    Retry retry = new Retry(2, Duration.ofMillis(100), Duration.ofSeconds(30));

    Outcome outcome = sender.send(call("/long"), retry, Signer.none(), seen::add);

    assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(30));
    assertThat(outcome).isInstanceOf(Outcome.Exhausted.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 401, 403, 404, 409, 422})
  void send_finalClientError_isRejectedAfterOneRequest(int status) {
    api.stubFor(
        post(urlPathEqualTo("/bad"))
            .willReturn(aResponse().withStatus(status).withBody("{\"error\":\"no\"}")));

    Outcome outcome = sender.send(call("/bad"), RETRY, Signer.none(), seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    assertThat(outcome.status()).isEqualTo(status);
    assertThat(outcome.answer().bodyText()).isEqualTo("{\"error\":\"no\"}");
    assertThat(outcome.attempts()).hasSize(1);
    api.verify(1, postRequestedFor(urlPathEqualTo("/bad")));
    assertThat(sleeper.waits()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {408, 425, 429, 500, 503, 599})
  void send_retryableStatusEveryTime_isExhaustedAfterEveryAttempt(int status) {
    api.stubFor(post(urlPathEqualTo("/down")).willReturn(aResponse().withStatus(status)));

    Outcome outcome = sender.send(call("/down"), RETRY, Signer.none(), seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Exhausted.class);
    assertThat(((Outcome.Exhausted) outcome).lastError()).isEqualTo("HTTP " + status);
    assertThat(outcome.status()).isEqualTo(status);
    assertThat(outcome.attempts()).extracting(Attempt::number).containsExactly(1, 2, 3, 4);
    api.verify(4, postRequestedFor(urlPathEqualTo("/down")));
    assertThat(sleeper.waits()).hasSize(3);
  }

  @Test
  void send_connectionRefused_isRetriedAndExhausted() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    HttpCall refused =
        new HttpCall(
            "POST",
            URI.create("http://127.0.0.1:" + port + "/x"),
            Map.of(),
            new byte[0],
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));

    Outcome outcome =
        sender.send(
            refused,
            new Retry(3, Duration.ofMillis(10), Duration.ofMillis(10)),
            Signer.none(),
            seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Exhausted.class);
    assertThat(outcome.answer()).isNull();
    assertThat(outcome.attempts())
        .hasSize(3)
        .allSatisfy(a -> assertThat(a.error()).contains("127.0.0.1:" + port));
    assertThat(((Outcome.Exhausted) outcome).lastError()).contains("cannot connect");
  }

  @Test
  void send_connectionResetThenSuccess_isRetried() {
    api.stubFor(
        post(urlPathEqualTo("/reset"))
            .inScenario("reset")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
            .willSetStateTo("ok"));
    api.stubFor(
        post(urlPathEqualTo("/reset"))
            .inScenario("reset")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(200)));

    Outcome outcome = sender.send(call("/reset"), RETRY, Signer.none(), seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    assertThat(outcome.attempts().get(0).answer()).isNull();
    assertThat(outcome.attempts().get(0).error()).isNotBlank();
  }

  @Test
  void send_readTimeOutThenSuccess_isRetried() {
    api.stubFor(
        post(urlPathEqualTo("/slow"))
            .inScenario("slow")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(200).withFixedDelay(2_000))
            .willSetStateTo("ok"));
    api.stubFor(
        post(urlPathEqualTo("/slow"))
            .inScenario("slow")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(200).withBody("fast")));
    HttpCall slow =
        new HttpCall(
            "POST",
            URI.create(api.baseUrl() + "/slow"),
            Map.of("Idempotency-Key", List.of("k")),
            new byte[0],
            Duration.ofSeconds(1),
            Duration.ofMillis(300));

    Outcome outcome = sender.send(slow, RETRY, Signer.none(), seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    assertThat(outcome.answer().bodyText()).isEqualTo("fast");
    assertThat(outcome.attempts().get(0).error()).contains("read time-out after 300 ms");
  }

  @Test
  void send_401WithRefreshingSigner_invalidatesAndTriesOnceMore() {
    failThenSucceed("/auth", 401);
    CountingSigner signer = new CountingSigner(true);

    Outcome outcome = sender.send(call("/auth"), Retry.NONE, signer, seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    assertThat(signer.invalidated.get()).isEqualTo(1);
    assertThat(signer.signed.get()).isEqualTo(2);
    assertThat(sleeper.waits()).isEmpty();
    List<LoggedRequest> requests = api.findAll(postRequestedFor(urlPathEqualTo("/auth")));
    assertThat(requests)
        .extracting(r -> r.getHeader("Authorization"))
        .containsExactly("Bearer t1", "Bearer t2");
  }

  @Test
  void send_401Again_afterTheRefresh_isRejectedAfterOnlyOneRefresh() {
    api.stubFor(post(urlPathEqualTo("/auth")).willReturn(aResponse().withStatus(401)));
    CountingSigner signer = new CountingSigner(true);

    Outcome outcome = sender.send(call("/auth"), RETRY, signer, seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    assertThat(signer.invalidated.get()).isEqualTo(1);
    api.verify(2, postRequestedFor(urlPathEqualTo("/auth")));
  }

  @Test
  void send_401WithoutRefresh_isRejectedAtOnce() {
    api.stubFor(post(urlPathEqualTo("/auth")).willReturn(aResponse().withStatus(401)));
    CountingSigner signer = new CountingSigner(false);

    Outcome outcome = sender.send(call("/auth"), RETRY, signer, seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
    assertThat(signer.invalidated.get()).isZero();
    api.verify(1, postRequestedFor(urlPathEqualTo("/auth")));
  }

  @Test
  void send_signerAppliedBeforeEveryAttempt() {
    failThenSucceed("/signed", 503, 503);
    CountingSigner signer = new CountingSigner(false);

    sender.send(call("/signed"), RETRY, signer, seen::add);

    List<LoggedRequest> requests = api.findAll(postRequestedFor(urlPathEqualTo("/signed")));
    assertThat(requests)
        .extracting(r -> r.getHeader("Authorization"))
        .containsExactly("Bearer t1", "Bearer t2", "Bearer t3");
  }

  @Test
  void attempts_maskSecretHeaders_keepTheIdempotencyKey() {
    api.stubFor(
        post(urlPathEqualTo("/mask"))
            .willReturn(
                aResponse().withStatus(200).withHeader("Set-Cookie", "session=cookie-S3cr3t")));
    Signer signer =
        new Signer() {
          @Override
          public HttpCall sign(HttpCall call) {
            return call.withHeader("Authorization", "Bearer tok-S3cr3t")
                .withHeader("X-Partner-Auth", "partner-S3cr3t");
          }

          @Override
          public Set<String> secretHeaders() {
            return Set.of("x-partner-auth");
          }
        };

    Outcome outcome =
        sender.send(
            call("/mask").withHeader("Cookie", "c=cookie2-S3cr3t"), RETRY, signer, seen::add);

    api.verify(
        postRequestedFor(urlPathEqualTo("/mask"))
            .withHeader("X-Partner-Auth", equalTo("partner-S3cr3t")));
    Attempt attempt = outcome.attempts().get(0);
    assertThat(attempt.call().header("Authorization")).contains("****");
    assertThat(attempt.call().header("X-Partner-Auth")).contains("****");
    assertThat(attempt.call().header("Cookie")).contains("****");
    assertThat(attempt.call().header("Idempotency-Key")).contains("key-123");
    assertThat(attempt.answer().header("Set-Cookie")).contains("****");
    assertThat(attempt.call().headers().toString() + attempt + outcome).doesNotContain("S3cr3t");
  }

  @Test
  void attempts_maskHeadersSecretByTheirName_evenWithoutTheSigner() {
    api.stubFor(post(urlPathEqualTo("/named")).willReturn(aResponse().withStatus(200)));
    HttpCall call =
        call("/named")
            .withHeader("X-Auth-Token", "a-S3cr3t")
            .withHeader("X-Hub-Signature", "b-S3cr3t")
            .withHeader("X-Client-Secret", "c-S3cr3t")
            .withHeader("X-Request-Id", "r-1");

    Attempt attempt = sender.send(call, RETRY, Signer.none(), seen::add).attempts().get(0);

    assertThat(attempt.call().headers().toString()).doesNotContain("S3cr3t");
    assertThat(attempt.call().header("X-Request-Id")).contains("r-1");
    assertThat(attempt.call().header("Idempotency-Key")).contains("key-123");
  }

  @Test
  void send_requestTheClientRefuses_isExhaustedAtOnce() {
    HttpCall call =
        new HttpCall(
            "POST",
            URI.create(api.baseUrl() + "/x"),
            Map.of(),
            new byte[0],
            Duration.ZERO,
            Duration.ofSeconds(1));

    Outcome outcome = sender.send(call, RETRY, Signer.none(), seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Exhausted.class);
    assertThat(((Outcome.Exhausted) outcome).lastError()).startsWith("the request cannot be sent");
    assertThat(outcome.attempts()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void httpCall_toString_showsNoHeaderValue() {
    HttpCall call = call("/x?api_key=q-S3cr3t").withHeader("X-Anything", "v-S3cr3t");

    assertThat(call.toString()).contains("X-Anything").doesNotContain("S3cr3t");
  }

  @Test
  void send_signingFailsRetriably_isRetriedThenExhaustedWithItsMessage() {
    Signer failing =
        call -> {
          throw new SigningException("token endpoint answered HTTP 503", true);
        };

    Outcome outcome = sender.send(call("/never"), RETRY, failing, seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Exhausted.class);
    assertThat(((Outcome.Exhausted) outcome).lastError())
        .isEqualTo("token endpoint answered HTTP 503");
    assertThat(outcome.attempts()).hasSize(4);
    api.verify(0, postRequestedFor(urlPathEqualTo("/never")));
  }

  @Test
  void send_signingFailsForGood_stopsAtOnce() {
    Signer failing =
        call -> {
          throw new SigningException("token endpoint answered HTTP 401", false);
        };

    Outcome outcome = sender.send(call("/never"), RETRY, failing, seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Exhausted.class);
    assertThat(outcome.attempts()).hasSize(1);
    assertThat(sleeper.waits()).isEmpty();
  }

  @Test
  void send_interruptedWhileWaiting_stopsAndRestoresTheFlag() {
    api.stubFor(post(urlPathEqualTo("/down")).willReturn(aResponse().withStatus(503)));
    RetryingSender interrupted =
        new RetryingSender(
            clock,
            d -> {
              throw new InterruptedException();
            },
            new SplittableRandom(1));

    assertThatThrownBy(() -> interrupted.send(call("/down"), RETRY, Signer.none(), seen::add))
        .isInstanceOf(HttpInterruptedException.class);
    assertThat(Thread.interrupted()).isTrue();
    api.verify(1, postRequestedFor(urlPathEqualTo("/down")));
  }

  @Test
  void send_interruptedBeforeTheRequest_stopsAndRestoresTheFlag() {
    api.stubFor(post(urlPathEqualTo("/ok")).willReturn(aResponse().withStatus(200)));
    Thread.currentThread().interrupt();

    assertThatThrownBy(() -> sender.send(call("/ok"), RETRY, Signer.none(), seen::add))
        .isInstanceOf(HttpInterruptedException.class);
    assertThat(Thread.interrupted()).isTrue();
  }

  /** Adds {@code Bearer tN}, N counting the signs; counts the invalidations. */
  private static final class CountingSigner implements Signer {
    final AtomicInteger signed = new AtomicInteger();
    final AtomicInteger invalidated = new AtomicInteger();
    private final boolean refresh;

    CountingSigner(boolean refresh) {
      this.refresh = refresh;
    }

    @Override
    public HttpCall sign(HttpCall call) {
      return call.withHeader("Authorization", "Bearer t" + signed.incrementAndGet());
    }

    @Override
    public boolean refreshAfter401() {
      return refresh;
    }

    @Override
    public void invalidate() {
      invalidated.incrementAndGet();
    }
  }

  @Test
  void send_answerOverTheLimit_keepsTheFirstBytesMarkedTruncated() {
    byte[] large = new byte[5000];
    java.util.Arrays.fill(large, (byte) 'x');
    api.stubFor(
        post(urlPathEqualTo("/large")).willReturn(aResponse().withStatus(200).withBody(large)));
    api.stubFor(
        post(urlPathEqualTo("/small")).willReturn(aResponse().withStatus(200).withBody("ok")));
    RetryingSender capped = new RetryingSender(clock, sleeper, new SplittableRandom(7), 1000);

    Outcome outcome = capped.send(call("/large"), RETRY, Signer.none(), seen::add);
    Outcome small = capped.send(call("/small"), RETRY, Signer.none(), seen::add);

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    assertThat(outcome.answer().body()).hasSize(1000);
    assertThat(outcome.answer().truncated()).isTrue();
    assertThat(outcome.answer().toString()).contains("truncated");
    assertThat(small.answer().bodyText()).isEqualTo("ok");
    assertThat(small.answer().truncated()).isFalse();
  }

  @Test
  void send_answerOverEightMebibytes_cutAtTheDefaultLimit() {
    byte[] huge = new byte[RetryingSender.MAX_ANSWER_BYTES + 1024 * 1024];
    api.stubFor(
        post(urlPathEqualTo("/huge")).willReturn(aResponse().withStatus(500).withBody(huge)));

    Outcome outcome =
        sender.send(
            call("/huge"), new Retry(1, Duration.ZERO, Duration.ZERO), Signer.none(), seen::add);

    assertThat(outcome.status()).isEqualTo(500);
    assertThat(outcome.answer().body()).hasSize(RetryingSender.MAX_ANSWER_BYTES);
    assertThat(outcome.answer().truncated()).isTrue();
  }
}
