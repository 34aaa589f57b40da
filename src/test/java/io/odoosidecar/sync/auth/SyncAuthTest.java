package io.odoosidecar.sync.auth;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.BasicCredentials;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.odoosidecar.http.Attempt;
import io.odoosidecar.http.HttpCall;
import io.odoosidecar.http.Outcome;
import io.odoosidecar.http.Retry;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.http.TestClock;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.odoo.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every auth kind against a WireMock API: the headers it sends, and that no secret is shown. */
class SyncAuthTest {
  private static final Path FILE = Path.of("config/rules/crm.yaml");
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String PASSWORD = "pw-S3cr3t-1";
  private static final String TOKEN = "tok-S3cr3t-2";
  private static final String KEY = "key-S3cr3t-3";
  private static final String CLIENT_SECRET = "client-S3cr3t-4";
  private static final String HMAC_SECRET = "hmac-S3cr3t-5";
  private static final Map<String, String> ENV =
      Map.of(
          "CRM_PASSWORD", PASSWORD,
          "API_TOKEN", TOKEN,
          "PARTNER_KEY", KEY,
          "CLIENT_SECRET", CLIENT_SECRET,
          "HMAC_SECRET", HMAC_SECRET);
  private static final Retry RETRY = new Retry(3, Duration.ofMillis(10), Duration.ofMillis(100));

  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final TestClock clock = new TestClock(NOW);
  private final List<Duration> waits = new ArrayList<>();
  private final RetryingSender sender =
      new RetryingSender(
          clock,
          d -> {
            waits.add(d);
            clock.advance(Duration.ofSeconds(5));
          },
          new SplittableRandom(3));
  private final List<Attempt> attempts = new ArrayList<>();

  @BeforeEach
  void reset() {
    api.resetAll();
    api.stubFor(post(urlPathEqualTo("/partners")).willReturn(aResponse().withStatus(200)));
  }

  private static SyncAuth parse(Map<String, Object> node) {
    return AuthKinds.parse(FILE, "customers", node, ENV::get);
  }

  private static Map<String, Object> node(Object... pairs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], pairs[i + 1]);
    }
    return out;
  }

  private HttpCall call(String body) {
    return new HttpCall(
        "POST",
        URI.create(api.baseUrl() + "/partners"),
        Map.of("Content-Type", List.of("application/json"), "Idempotency-Key", List.of("idem-1")),
        body.getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5));
  }

  private Outcome send(Signer signer) {
    return sender.send(call("{\"name\":\"Azure\"}"), RETRY, signer, attempts::add);
  }

  private void assertNoSecretShown(Object... shown) {
    StringBuilder text = new StringBuilder();
    for (Object item : shown) {
      text.append(item).append('\n');
    }
    for (Attempt attempt : attempts) {
      text.append(attempt).append(attempt.call().headers()).append('\n');
    }
    for (String secret : ENV.values()) {
      assertThat(text.toString()).doesNotContain(secret);
    }
  }

  @Test
  void none_sendsNoAuthorization() {
    SyncAuth auth = parse(null);

    Outcome outcome = send(auth.signer(clock, sender));

    assertThat(auth.kind()).isEqualTo("none");
    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    api.verify(postRequestedFor(urlPathEqualTo("/partners")).withHeader("Authorization", absent()));
  }

  @Test
  void basic_sendsTheUserAndPassword() {
    SyncAuth auth =
        parse(node("kind", "basic", "user", "sync-bot", "password-env", "CRM_PASSWORD"));
    Signer signer = auth.signer(clock, sender);

    Outcome outcome = send(signer);

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    api.verify(
        postRequestedFor(urlPathEqualTo("/partners"))
            .withBasicAuth(new BasicCredentials("sync-bot", PASSWORD)));
    assertThat(outcome.attempts().get(0).call().header("Authorization")).contains("****");
    assertNoSecretShown(auth, signer, outcome);
  }

  @Test
  void basic_passwordFromAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path secret = dir.resolve("password");
    java.nio.file.Files.writeString(secret, PASSWORD + "\n");
    SyncAuth auth =
        parse(node("kind", "basic", "user", "sync-bot", "password-file", secret.toString()));

    send(auth.signer(clock, sender));

    api.verify(
        postRequestedFor(urlPathEqualTo("/partners"))
            .withBasicAuth(new BasicCredentials("sync-bot", PASSWORD)));
  }

  @Test
  void bearer_sendsTheToken() {
    SyncAuth auth = parse(node("kind", "bearer", "token-env", "API_TOKEN"));
    Signer signer = auth.signer(clock, sender);

    Outcome outcome = send(signer);

    api.verify(
        postRequestedFor(urlPathEqualTo("/partners"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
    assertNoSecretShown(auth, signer, outcome);
    assertThat(auth.secrets()).extracting(Secret::reveal).containsExactly(TOKEN);
    assertThat(Redaction.text("echo " + TOKEN, auth.secrets())).isEqualTo("echo ****");
  }

  @Test
  void apiKey_defaultHeader() {
    SyncAuth auth = parse(node("kind", "api-key", "key-env", "PARTNER_KEY"));
    Signer signer = auth.signer(clock, sender);

    Outcome outcome = send(signer);

    api.verify(postRequestedFor(urlPathEqualTo("/partners")).withHeader("X-API-Key", equalTo(KEY)));
    assertThat(outcome.attempts().get(0).call().header("X-API-Key")).contains("****");
    assertNoSecretShown(auth, signer, outcome);
  }

  @Test
  void apiKey_ownHeaderAndPrefix() {
    SyncAuth auth =
        parse(
            node(
                "kind",
                "api-key",
                "header",
                "X-Partner-Auth",
                "prefix",
                "Token ",
                "key-env",
                "PARTNER_KEY"));
    Signer signer = auth.signer(clock, sender);

    Outcome outcome = send(signer);

    api.verify(
        postRequestedFor(urlPathEqualTo("/partners"))
            .withHeader("X-Partner-Auth", equalTo("Token " + KEY))
            .withHeader("X-API-Key", absent()));
    assertNoSecretShown(auth, signer, outcome);
  }

  private static String hmac(String algorithm, String timestamp, byte[] body) throws Exception {
    Mac mac = Mac.getInstance(algorithm);
    mac.init(new SecretKeySpec(HMAC_SECRET.getBytes(StandardCharsets.UTF_8), algorithm));
    byte[] signed = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
    byte[] message = new byte[signed.length + body.length];
    System.arraycopy(signed, 0, message, 0, signed.length);
    System.arraycopy(body, 0, message, signed.length, body.length);
    return HexFormat.of().formatHex(mac.doFinal(message));
  }

  @Test
  void hmac_signatureMatchesTheReceivedBodyAndTimestamp() throws Exception {
    SyncAuth auth = parse(node("kind", "hmac", "secret-env", "HMAC_SECRET"));
    Signer signer = auth.signer(clock, sender);

    Outcome outcome = send(signer);

    LoggedRequest request = api.findAll(postRequestedFor(urlPathEqualTo("/partners"))).get(0);
    String timestamp = request.getHeader("X-Timestamp");
    assertThat(timestamp).isEqualTo(Long.toString(NOW.getEpochSecond()));
    assertThat(request.getHeader("X-Signature"))
        .isEqualTo(hmac("HmacSHA256", timestamp, request.getBody()));
    assertThat(outcome.attempts().get(0).call().header("X-Signature")).contains("****");
    assertThat(outcome.attempts().get(0).call().header("X-Timestamp")).contains(timestamp);
    assertNoSecretShown(auth, signer, outcome);
  }

  @Test
  void hmac_base64WithPrefixAndOwnHeaders_freshTimestampOnEveryRetry() throws Exception {
    api.stubFor(
        post(urlPathEqualTo("/partners"))
            .inScenario("retry")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("ok"));
    api.stubFor(
        post(urlPathEqualTo("/partners"))
            .inScenario("retry")
            .whenScenarioStateIs("ok")
            .willReturn(aResponse().withStatus(200)));
    SyncAuth auth =
        parse(
            node(
                "kind",
                "hmac",
                "secret-env",
                "HMAC_SECRET",
                "header",
                "X-Hub-Signature-256",
                "timestamp-header",
                "X-Hub-Time",
                "algorithm",
                "HmacSHA512",
                "encoding",
                "base64",
                "prefix",
                "sha512="));

    Outcome outcome = send(auth.signer(clock, sender));

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    List<LoggedRequest> requests = api.findAll(postRequestedFor(urlPathEqualTo("/partners")));
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).getHeader("X-Hub-Time"))
        .isEqualTo(Long.toString(NOW.plusSeconds(5).getEpochSecond()));
    for (LoggedRequest request : requests) {
      String timestamp = request.getHeader("X-Hub-Time");
      String expected =
          Base64.getEncoder()
              .encodeToString(
                  HexFormat.of().parseHex(hmac("HmacSHA512", timestamp, request.getBody())));
      assertThat(request.getHeader("X-Hub-Signature-256")).isEqualTo("sha512=" + expected);
      assertThat(request.getHeader("Idempotency-Key")).isEqualTo("idem-1");
    }
  }

  private static Map<String, Object> oauth(Object... extra) {
    Map<String, Object> node =
        node(
            "kind", "oauth2-client-credentials",
            "token-url", api.baseUrl() + "/oauth/token",
            "client-id", "odoo-sync",
            "client-secret-env", "CLIENT_SECRET",
            "scope", "contacts.write");
    node.putAll(node(extra));
    return node;
  }

  private static void token(String scenarioState, String nextState, String token, int expiresIn) {
    api.stubFor(
        post(urlPathEqualTo("/oauth/token"))
            .inScenario("token")
            .whenScenarioStateIs(scenarioState)
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\""
                            + token
                            + "\",\"token_type\":\"bearer\",\"expires_in\":"
                            + expiresIn
                            + "}"))
            .willSetStateTo(nextState));
  }

  @Test
  void oauth2_tokenFetchedOnceForSeveralCalls() {
    token(STARTED, STARTED, "access-1", 3600);
    SyncAuth auth = parse(oauth());
    Signer signer = auth.signer(clock, sender);

    for (int i = 0; i < 3; i++) {
      assertThat(send(signer)).isInstanceOf(Outcome.Success.class);
    }

    api.verify(
        1,
        postRequestedFor(urlPathEqualTo("/oauth/token"))
            .withBasicAuth(new BasicCredentials("odoo-sync", CLIENT_SECRET))
            .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded"))
            .withRequestBody(equalTo("grant_type=client_credentials&scope=contacts.write")));
    api.verify(
        3,
        postRequestedFor(urlPathEqualTo("/partners"))
            .withHeader("Authorization", equalTo("Bearer access-1")));
    assertNoSecretShown(auth, signer);
  }

  @Test
  void oauth2_clientAuthInBody_andAudience() {
    token(STARTED, STARTED, "access-1", 3600);
    SyncAuth auth = parse(oauth("client-auth", "body", "audience", "https://api.example.com"));

    send(auth.signer(clock, sender));

    api.verify(
        postRequestedFor(urlPathEqualTo("/oauth/token"))
            .withHeader("Authorization", absent())
            .withRequestBody(containing("grant_type=client_credentials"))
            .withRequestBody(containing("audience=https%3A%2F%2Fapi.example.com"))
            .withRequestBody(containing("client_id=odoo-sync"))
            .withRequestBody(containing("client_secret=" + CLIENT_SECRET)));
  }

  @Test
  void oauth2_401_fetchesANewTokenOnceAndTriesAgain() {
    token(STARTED, "second", "access-1", 3600);
    token("second", "second", "access-2", 3600);
    api.stubFor(
        post(urlPathEqualTo("/partners"))
            .withHeader("Authorization", equalTo("Bearer access-1"))
            .willReturn(aResponse().withStatus(401)));
    api.stubFor(
        post(urlPathEqualTo("/partners"))
            .withHeader("Authorization", equalTo("Bearer access-2"))
            .willReturn(aResponse().withStatus(201)));
    Signer signer = parse(oauth()).signer(clock, sender);

    Outcome outcome = send(signer);

    assertThat(outcome).isInstanceOf(Outcome.Success.class);
    assertThat(outcome.attempts()).extracting(a -> a.answer().status()).containsExactly(401, 201);
    assertThat(waits).isEmpty();
    api.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
    List<LoggedRequest> calls = api.findAll(postRequestedFor(urlPathEqualTo("/partners")));
    assertThat(calls).extracting(r -> r.getHeader("Idempotency-Key")).containsOnly("idem-1");
  }

  @Test
  void oauth2_expiryHonouredByTheClock() {
    token(STARTED, "second", "access-1", 120);
    token("second", "second", "access-2", 120);
    Signer signer = parse(oauth()).signer(clock, sender);

    send(signer);
    clock.advance(Duration.ofSeconds(89));
    send(signer);
    api.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));

    clock.advance(Duration.ofSeconds(2));
    send(signer);

    api.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
    List<LoggedRequest> calls = api.findAll(postRequestedFor(urlPathEqualTo("/partners")));
    assertThat(calls)
        .extracting(r -> r.getHeader("Authorization"))
        .containsExactly("Bearer access-1", "Bearer access-1", "Bearer access-2");
  }

  @Test
  void oauth2_concurrentCallersShareOneFetch() throws Exception {
    api.stubFor(
        post(urlPathEqualTo("/oauth/token"))
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withFixedDelay(300)
                    .withBody("{\"access_token\":\"access-1\",\"expires_in\":3600}")));
    Signer signer = parse(oauth()).signer(clock, sender);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<String>> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tasks.add(() -> signer.sign(call("{}")).header("Authorization").orElseThrow());
      }
      for (Future<String> result : pool.invokeAll(tasks)) {
        assertThat(result.get()).isEqualTo("Bearer access-1");
      }
    } finally {
      pool.shutdownNow();
    }
    api.verify(1, postRequestedFor(urlPathEqualTo("/oauth/token")));
  }

  @Test
  void oauth2_late401WithTheOldToken_keepsTheTokenAnotherCallJustFetched() throws Exception {
    token(STARTED, "second", "access-1", 3600);
    token("second", "third", "access-2", 3600);
    token("third", "third", "access-3", 3600);
    api.stubFor(
        post(urlPathEqualTo("/partners"))
            .withHeader("Authorization", equalTo("Bearer access-1"))
            .withRequestBody(equalTo("fast"))
            .willReturn(aResponse().withStatus(401)));
    api.stubFor(
        post(urlPathEqualTo("/partners"))
            .withHeader("Authorization", equalTo("Bearer access-1"))
            .withRequestBody(equalTo("slow"))
            .willReturn(aResponse().withStatus(401).withFixedDelay(700)));
    api.stubFor(
        post(urlPathEqualTo("/partners"))
            .withHeader("Authorization", equalTo("Bearer access-2"))
            .willReturn(aResponse().withStatus(201)));
    Signer signer = parse(oauth()).signer(clock, sender);
    assertThat(signer.sign(call("{}")).header("Authorization")).contains("Bearer access-1");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Outcome> slow = pool.submit(() -> sender.send(call("slow"), RETRY, signer, a -> {}));
      Future<Outcome> fast = pool.submit(() -> sender.send(call("fast"), RETRY, signer, a -> {}));
      assertThat(fast.get()).isInstanceOf(Outcome.Success.class);
      assertThat(slow.get()).isInstanceOf(Outcome.Success.class);
    } finally {
      pool.shutdownNow();
    }
    api.verify(2, postRequestedFor(urlPathEqualTo("/oauth/token")));
    assertThat(signer.sign(call("{}")).header("Authorization")).contains("Bearer access-2");
  }

  @Test
  void oauth2_tokenRefused_failsAtOnceWithoutTheSecret() {
    api.stubFor(
        post(urlPathEqualTo("/oauth/token"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withBody(
                        "{\"error\":\"invalid_client\",\"error_description\":\"bad secret "
                            + CLIENT_SECRET
                            + "\"}")));
    SyncAuth auth = parse(oauth());
    Signer signer = auth.signer(clock, sender);

    Outcome outcome = send(signer);

    assertThat(outcome).isInstanceOf(Outcome.Exhausted.class);
    String error = ((Outcome.Exhausted) outcome).lastError();
    assertThat(error)
        .contains("OAuth2 token request to " + api.baseUrl() + "/oauth/token")
        .contains("HTTP 401 invalid_client: bad secret ****");
    assertThat(outcome.attempts()).hasSize(1);
    api.verify(0, postRequestedFor(urlPathEqualTo("/partners")));
    assertNoSecretShown(auth, signer, outcome, error);
  }

  @Test
  void oauth2_tokenEndpointDown_isRetriedByTheCall() {
    api.stubFor(post(urlPathEqualTo("/oauth/token")).willReturn(aResponse().withStatus(503)));

    Outcome outcome = send(parse(oauth()).signer(clock, sender));

    assertThat(outcome).isInstanceOf(Outcome.Exhausted.class);
    assertThat(((Outcome.Exhausted) outcome).lastError()).contains("HTTP 503");
    api.verify(RETRY.attempts(), postRequestedFor(urlPathEqualTo("/oauth/token")));
    assertNoSecretShown(outcome);
  }

  @Test
  void oauth2_answerWithoutToken_isAClearError() {
    api.stubFor(
        post(urlPathEqualTo("/oauth/token"))
            .willReturn(aResponse().withStatus(200).withBody("{\"token_type\":\"bearer\"}")));

    Outcome outcome = send(parse(oauth()).signer(clock, sender));

    assertThat(((Outcome.Exhausted) outcome).lastError())
        .endsWith("answered without an access_token");
  }
}
