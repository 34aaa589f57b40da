package io.odoosidecar.odoo;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every XML-RPC and JSON-RPC exchange recorded from Odoo 18 and 19: the client must send
 * the request Odoo received (the stub only answers an equal body) and decode the answer as the
 * recording shows it: results as an independent reader reads them, faults as {@code
 * wire-faults.json} describes them.
 */
class WireReplayTest {
  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final ObjectMapper JSON = new ObjectMapper();

  static Stream<WireFixture.Exchange> exchanges() {
    return Stream.of("odoo18/wire.json", "odoo19/wire.json")
        .flatMap(f -> WireFixture.load(f).stream());
  }

  /** A logged-in session as the recordings used it: database, login, password. */
  record Session(String database, String login, String password) {}

  @BeforeEach
  void reset() {
    odoo.resetAll();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exchanges")
  void replay_recordedExchange_sendsSameRequestAndDecodesAnswer(WireFixture.Exchange x)
      throws Exception {
    List<WireFixture.Exchange> all = WireFixture.load(x.file());
    stub(x);
    Recorded call = x.transport().equals("xmlrpc") ? xmlRpc(x) : jsonRpc(x);
    Session session = session(all, x.transport());
    // the client first asks the version and logs in: those recorded answers are served too
    stub(find(all, x.transport().equals("xmlrpc") ? "version" : "json.version"));
    stub(find(all, x.transport().equals("xmlrpc") ? "authenticate.ok" : "json.authenticate"));
    TransportKind kind =
        x.transport().equals("xmlrpc") ? TransportKind.XMLRPC : TransportKind.JSONRPC;

    Object[] outcome = new Object[1];
    Throwable failure = catchThrowable(() -> outcome[0] = perform(call, session, kind));

    if (call.fault) {
      assertFault(x, failure);
    } else if (call.method.equals("authenticate") && Boolean.FALSE.equals(call.result)) {
      assertFault(x, failure);
    } else {
      assertThat(failure).as("the recorded answer is a success").isNull();
      assertThat(outcome[0]).isEqualTo(call.result);
    }
  }

  /** What the test reads from one recorded exchange, independently of the client. */
  record Recorded(String method, List<Object> params, Object result, boolean fault) {}

  private Object perform(Recorded call, Session session, TransportKind kind) {
    switch (call.method) {
      case "version":
        ServerVersion version = client(session, kind).version();
        Map<?, ?> answer = (Map<?, ?>) call.result;
        assertThat(version.serverVersion()).isEqualTo(answer.get("server_version"));
        assertThat((long) version.major())
            .isEqualTo(((List<?>) answer.get("server_version_info")).get(0));
        return call.result;
      case "authenticate":
        Session other =
            new Session(
                (String) call.params.get(0),
                (String) call.params.get(1),
                (String) call.params.get(2));
        return client(other, kind).authenticate();
      case "execute_kw":
        String database = (String) call.params.get(0);
        long uid = (Long) call.params.get(1);
        String password = (String) call.params.get(2);
        String model = (String) call.params.get(3);
        String method = (String) call.params.get(4);
        @SuppressWarnings("unchecked")
        List<Object> args = (List<Object>) call.params.get(5);
        @SuppressWarnings("unchecked")
        Map<String, Object> kwargs =
            call.params.size() > 6 ? (Map<String, Object>) call.params.get(6) : Map.of();
        if (database.equals(session.database) && password.equals(session.password)) {
          return client(session, kind).executeKw(model, method, args, kwargs);
        }
        // A call made with credentials the server refuses: only the protocol can send it as is.
        OdooHttp http =
            new OdooHttp(
                URI.create(odoo.baseUrl()),
                java.time.Duration.ofSeconds(5),
                java.time.Duration.ofSeconds(5),
                true);
        Protocol protocol =
            kind == TransportKind.XMLRPC ? new XmlRpcProtocol(http) : new JsonRpcProtocol(http);
        return protocol.call(
            new Protocol.Credentials(database, "?", password), uid, model, method, args, kwargs);
      default:
        throw new AssertionError("unexpected recorded method " + call.method);
    }
  }

  private OdooClient client(Session session, TransportKind kind) {
    OdooSettings settings =
        OdooSettings.of(
                "test",
                URI.create(odoo.baseUrl()),
                session.database,
                session.login,
                Secret.of(session.password),
                null)
            .withTransport(kind)
            .withRetry(RetryPolicy.NONE);
    return OdooClients.create(settings, d -> {}, Ticker.systemTicker());
  }

  private static Recorded xmlRpc(WireFixture.Exchange x) {
    XmlRpcTestParser.Call call = XmlRpcTestParser.call(x.request());
    XmlRpcTestParser.Response response = XmlRpcTestParser.response(x.response());
    return new Recorded(call.method(), call.params(), response.result(), response.fault());
  }

  @SuppressWarnings("unchecked")
  private static Recorded jsonRpc(WireFixture.Exchange x) throws Exception {
    Map<String, Object> request = Json.MAPPER.readValue(x.request(), Map.class);
    Map<String, Object> params = (Map<String, Object>) request.get("params");
    Map<String, Object> response = Json.MAPPER.readValue(x.response(), Map.class);
    return new Recorded(
        (String) params.get("method"),
        (List<Object>) params.get("args"),
        response.get("result"),
        response.containsKey("error"));
  }

  private static Session session(List<WireFixture.Exchange> all, String transport)
      throws Exception {
    List<Object> params =
        transport.equals("xmlrpc")
            ? XmlRpcTestParser.call(find(all, "authenticate.ok").request()).params()
            : jsonRpc(find(all, "json.authenticate")).params();
    return new Session((String) params.get(0), (String) params.get(1), (String) params.get(2));
  }

  private static WireFixture.Exchange find(List<WireFixture.Exchange> all, String name) {
    return all.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow();
  }

  private void stub(WireFixture.Exchange x) {
    odoo.stubFor(OdooStubs.recordedRequest(x).willReturn(OdooStubs.recordedAnswer(x)));
  }

  static void assertFault(WireFixture.Exchange x, Throwable failure) throws Exception {
    JsonNode expected = faults().get(x.key());
    assertThat(expected).as("wire-faults.json describes %s", x.key()).isNotNull();
    assertThat(failure).isInstanceOf(OdooFaultException.class);
    OdooFaultException fault = (OdooFaultException) failure;
    assertThat(fault.getClass().getSimpleName()).isEqualTo(expected.get("exception").asText());
    assertThat(fault.exceptionClass()).isEqualTo(expected.get("class").asText());
    assertThat(fault.kind().name()).isEqualTo(expected.get("kind").asText());
    assertThat(fault.odooMessage()).isEqualTo(expected.get("message").asText());
    assertThat(fault.traceback().isEmpty()).isEqualTo(!expected.get("traceback").asBoolean());
    assertThat(fault.retriable()).isFalse();
  }

  private static JsonNode faults;

  static synchronized JsonNode faults() throws Exception {
    if (faults == null) {
      faults = JSON.readTree(WireReplayTest.class.getResourceAsStream("wire-faults.json"));
    }
    return faults;
  }
}
