package io.odoosidecar.odoo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The client's behaviour around the wire: retries, sessions, context, metadata cache, logs. */
class RpcOdooClientTest {
  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String PASSWORD = "s3cr3t-Pa55word";
  private final List<Duration> waits = new ArrayList<>();

  @BeforeEach
  void stubSession() {
    odoo.resetAll();
    OdooStubs.stubCommon(
        odoo,
        "version",
        "{\"server_version\":\"18.0\",\"server_version_info\":[18,0,0,\"final\",0,\"\"],\"server_serie\":\"18.0\"}");
    OdooStubs.stubCommon(odoo, "authenticate", "2");
  }

  @Test
  void aMethodReturningNone_isAnsweredWithoutResult_andReadAsNull() {
    // Odoo leaves "result" out of a JSON-RPC answer when the method returned None
    // (message_unsubscribe does, in Odoo 18)
    stubExecute(
        "message_unsubscribe",
        Scenario.STARTED,
        Scenario.STARTED,
        json("{\"jsonrpc\": \"2.0\", \"id\": 1}"));
    assertThat(
            client(1)
                .executeKw(
                    "crm.lead",
                    "message_unsubscribe",
                    List.of(List.of(1)),
                    Map.of("partner_ids", List.of(3))))
        .isNull();
  }

  @Test
  void readOnlyCall_gatewayErrorsThenSuccess_isRetriedWithBackoff() {
    stubExecute("search_count", Scenario.STARTED, "second", aResponse().withStatus(502));
    stubExecute("search_count", "second", "third", aResponse().withStatus(503));
    stubExecute("search_count", "third", "done", json(result("7")));

    assertThat(client(4).searchCount("res.partner", List.of())).isEqualTo(7);
    assertThat(waits).hasSize(2);
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void readOnlyCall_failingEveryTime_givesUpAfterMaxAttempts() {
    stubExecute("search", Scenario.STARTED, Scenario.STARTED, aResponse().withStatus(504));

    assertThatThrownBy(() -> client(3).search("res.partner", List.of()))
        .isInstanceOf(OdooTransportException.class)
        .satisfies(e -> assertThat(((OdooTransportException) e).httpStatus()).isEqualTo(504));
    assertThat(waits).hasSize(2);
    odoo.verify(
        3, postRequestedFor(urlPathEqualTo("/jsonrpc")).withRequestBody(containing("\"search\"")));
  }

  @Test
  void writeCall_ambiguousFailure_isNotResent() {
    stubExecute("create", Scenario.STARTED, "second", aResponse().withStatus(502));
    stubExecute("create", "second", "done", json(result("[42]")));

    assertThatThrownBy(() -> client(4).create("res.partner", Map.of("name", "x")))
        .isInstanceOf(OdooTransportException.class)
        .satisfies(e -> assertThat(((OdooTransportException) e).delivered()).isTrue());
    odoo.verify(
        1, postRequestedFor(urlPathEqualTo("/jsonrpc")).withRequestBody(containing("\"create\"")));
    assertThat(waits).isEmpty();
  }

  @Test
  void writeCall_connectionResetAfterSending_isNotResent() {
    stubExecute(
        "write", Scenario.STARTED, "second", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
    stubExecute("write", "second", "done", json(result("true")));

    assertThatThrownBy(() -> client(4).write("res.partner", List.of(1L), Map.of("name", "x")))
        .isInstanceOf(OdooTransportException.class);
    odoo.verify(
        1, postRequestedFor(urlPathEqualTo("/jsonrpc")).withRequestBody(containing("\"write\"")));
  }

  @Test
  void anyCall_connectionRefused_isRetriedSinceNothingWasSent() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    OdooSettings settings =
        OdooSettings.of(
                "down",
                URI.create("http://127.0.0.1:" + port),
                "db",
                "admin",
                Secret.of(PASSWORD),
                null)
            .withTransport(TransportKind.JSONRPC)
            .withRetry(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1)));
    OdooClient client = OdooClients.create(settings, waits::add, Ticker.systemTicker());

    assertThatThrownBy(client::version)
        .isInstanceOf(OdooTransportException.class)
        .hasMessageContaining("refused")
        .satisfies(e -> assertThat(((OdooTransportException) e).delivered()).isFalse());
    assertThat(waits).hasSize(2);
  }

  @Test
  void fault_isNeverRetried() {
    stubExecute(
        "search",
        Scenario.STARTED,
        Scenario.STARTED,
        json(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":200,\"message\":\"Odoo Server Error\",\"data\":{\"name\":\"builtins.ValueError\",\"message\":\"Invalid leaf\",\"debug\":\"Traceback...\"}}}"));

    assertThatThrownBy(() -> client(4).search("res.partner", List.of(List.of("name", "bogus", 1))))
        .isInstanceOf(OdooFaultException.class)
        .hasMessage("builtins.ValueError: Invalid leaf");
    assertThat(waits).isEmpty();
  }

  @Test
  void authenticateAnsweringFalse_isAuthenticationError_andNoCallIsMade() {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(
                matchingJsonPath(
                    "$.params.method",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo("authenticate")))
            .atPriority(1)
            .willReturn(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":false}")));

    assertThatThrownBy(() -> client(1).search("res.partner", List.of()))
        .isInstanceOf(OdooAuthenticationException.class)
        .hasMessageContaining("admin");
    odoo.verify(
        0, postRequestedFor(urlPathEqualTo("/jsonrpc")).withRequestBody(containing("execute_kw")));
  }

  @Test
  void session_isAuthenticatedOnce_andSharedByContextViews() {
    stubExecute("search_count", Scenario.STARTED, Scenario.STARTED, json(result("3")));
    OdooClient client = client(1);

    client.searchCount("res.partner", List.of());
    client.withContext(Map.of("lang", "fr_FR")).searchCount("res.partner", List.of());

    odoo.verify(
        1,
        postRequestedFor(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(containing("\"authenticate\"")));
  }

  @Test
  void withContext_mergesIntoCallersContext_callerWinning() {
    stubExecute("write", Scenario.STARTED, Scenario.STARTED, json(result("true")));
    OdooClient client = client(1).withContext(Map.of("sidecar_event", 42, "lang", "en_US"));

    client.executeKw(
        "res.partner",
        "write",
        List.of(List.of(1), Map.of("name", "x")),
        Map.of("context", Map.of("lang", "fr_FR")));

    odoo.verify(
        postRequestedFor(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(
                matchingJsonPath(
                    "$.params.args[6].context.sidecar_event",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo("42")))
            .withRequestBody(
                matchingJsonPath(
                    "$.params.args[6].context.lang",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo("fr_FR"))));
  }

  @Test
  void fieldsGet_isCachedUntilExpiryOrInvalidation() {
    stubExecute(
        "fields_get",
        Scenario.STARTED,
        Scenario.STARTED,
        json(
            result(
                "{\"name\":{\"type\":\"char\",\"string\":\"Name\"},\"stage_id\":{\"type\":\"many2one\",\"relation\":\"crm.stage\"}}")));
    AtomicLong nanos = new AtomicLong();
    OdooSettings settings = settings(1);
    OdooClient client = OdooClients.create(settings, waits::add, nanos::get);

    Map<String, FieldInfo> fields = client.fieldsGet("crm.lead");
    client.fieldsGet("crm.lead");
    assertThat(fields.get("stage_id").type()).isEqualTo(FieldType.MANY2ONE);
    assertThat(fields.get("stage_id").relation()).isEqualTo("crm.stage");
    assertThat(fieldsGetCalls()).isEqualTo(1);

    nanos.addAndGet(settings.fieldsCacheTtl().plusSeconds(1).toNanos());
    client.fieldsGet("crm.lead");
    assertThat(fieldsGetCalls()).isEqualTo(2);

    client.invalidateFields("crm.lead");
    client.fieldsGet("crm.lead");
    assertThat(fieldsGetCalls()).isEqualTo(3);
  }

  @Test
  void debugLog_namesCalls_butNeverTheSecret() {
    Logger logger = (Logger) LoggerFactory.getLogger("io.odoosidecar");
    Level before = logger.getLevel();
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.DEBUG);
    try {
      stubExecute("search_count", Scenario.STARTED, Scenario.STARTED, json(result("3")));
      stubExecute("create", Scenario.STARTED, Scenario.STARTED, aResponse().withStatus(502));
      OdooClient client = client(2);
      client.searchCount("res.partner", List.of());
      try {
        client.create("res.partner", Map.of("name", "x"));
      } catch (OdooTransportException expected) {
        // logged, and checked below
      }
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(before);
    }
    assertThat(appender.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .anySatisfy(m -> assertThat(m).contains("res.partner.search_count"))
        .anySatisfy(m -> assertThat(m).contains("res.partner.create").contains("failed"))
        .allSatisfy(m -> assertThat(m).doesNotContain(PASSWORD));
  }

  @Test
  void settings_neverPrintTheirSecrets() {
    assertThat(settings(1).toString()).doesNotContain(PASSWORD).contains("****");
    assertThat(new Protocol.Credentials("db", "admin", PASSWORD).toString())
        .doesNotContain(PASSWORD);
  }

  private long fieldsGetCalls() {
    return odoo.findAll(
            postRequestedFor(urlPathEqualTo("/jsonrpc")).withRequestBody(containing("fields_get")))
        .size();
  }

  private OdooSettings settings(int attempts) {
    return OdooSettings.of(
            "test", URI.create(odoo.baseUrl()), "db", "admin", Secret.of(PASSWORD), null)
        .withTransport(TransportKind.JSONRPC)
        .withRetry(new RetryPolicy(attempts, Duration.ofMillis(100), Duration.ofSeconds(2)));
  }

  private OdooClient client(int attempts) {
    return OdooClients.create(settings(attempts), waits::add, Ticker.systemTicker());
  }

  private void stubExecute(
      String method,
      String state,
      String next,
      com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .inScenario(method)
            .whenScenarioStateIs(state)
            .withRequestBody(
                matchingJsonPath(
                    "$.params.args[4]",
                    com.github.tomakehurst.wiremock.client.WireMock.equalTo(method)))
            .willReturn(answer)
            .willSetStateTo(next));
  }

  private static String result(String json) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + json + "}";
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(
      String body) {
    return OdooStubs.json(body);
  }
}
