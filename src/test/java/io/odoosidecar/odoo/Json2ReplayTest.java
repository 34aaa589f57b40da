package io.odoosidecar.odoo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays the JSON-2 exchanges recorded from Odoo 19: bearer API key, {@code X-Odoo-Database},
 * named arguments, and errors as HTTP statuses with JSON bodies.
 */
class Json2ReplayTest {
  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "odoo19/wire_json2.json";

  static Stream<WireFixture.Exchange> exchanges() {
    return WireFixture.load(FILE).stream();
  }

  @BeforeEach
  void reset() {
    odoo.resetAll();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exchanges")
  void replay_recordedExchange_sendsSameRequestAndDecodesAnswer(WireFixture.Exchange x)
      throws Exception {
    stubSession();
    stub(x);
    Object[] outcome = new Object[1];
    Throwable failure = catchThrowable(() -> outcome[0] = perform(x));
    if (x.status() == 200) {
      assertThat(failure).as("the recorded answer is a success").isNull();
      Object expected =
          x.transport().equals("xmlrpc")
              ? XmlRpcTestParser.response(x.response()).result()
              : expectedJson(x);
      assertThat(outcome[0]).isEqualTo(expected);
    } else {
      WireReplayTest.assertFault(x, failure);
    }
  }

  @Test
  void typedHelpers_sendNamedArguments_asRecorded() throws Exception {
    stubSession();
    for (String name :
        List.of(
            "search_read",
            "search",
            "read with ids",
            "search_count",
            "create",
            "write",
            "unlink",
            "fields_get")) {
      stub(find(name));
    }
    OdooClient client = client(true);
    List<OdooRecord> rows =
        client.searchRead(
            "res.partner",
            List.of(List.of("is_company", "=", true)),
            List.of("name", "country_id", "category_id", "create_date", "email", "parent_id"),
            SearchOptions.limit(3).withOrder("id"));
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1).many2one("country_id")).contains(new Many2one(233, "United States"));
    assertThat(rows.get(1).ids("category_id")).containsExactly(7L, 6L);
    assertThat(rows.get(0).many2one("parent_id")).isEmpty();
    assertThat(rows.get(0).dateTime("create_date"))
        .contains(java.time.Instant.parse("2026-11-23T18:31:05Z"));
    assertThat(
            client.search(
                "res.partner", List.of(List.of("is_company", "=", true)), SearchOptions.limit(2)))
        .containsExactly(9L, 15L);
    assertThat(client.read("res.partner", List.of(9L, 15L), List.of("name", "child_ids", "active")))
        .extracting(r -> r.string("name").orElseThrow())
        .containsExactly("Acme Corporation", "Azure Interior");
    assertThat(client.searchCount("res.partner", List.of())).isEqualTo(39);
    List<Map<String, Object>> values = new ArrayList<>();
    values.add(Map.of("name", "JSON2 A"));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("name", "JSON2 B");
    b.put("email", "b@example.com");
    values.add(b);
    assertThat(client.createMany("res.partner", values)).containsExactly(43L, 44L);
    assertThat(client.write("res.partner", List.of(43L, 44L), Map.of("phone", "+32 2 000")))
        .isTrue();
    assertThat(client.unlink("res.partner", List.of(43L, 44L))).isTrue();
    Object fields =
        client.execute(
            "res.partner",
            "fields_get",
            List.of("name", "country_id", "type"),
            List.of("type", "string", "relation", "selection"));
    assertThat(
            FieldInfo.of("type", ValueCodec.asMap(ValueCodec.asMap(fields).get("type")))
                .selectionValues())
        .containsExactly("contact", "invoice", "delivery", "other");
  }

  @Test
  void withContext_sendsContextKey_asRecorded() throws Exception {
    stubSession();
    stub(find("write with context"));
    OdooClient client = client(true).withContext(Map.of("lang", "en_US", "sidecar_event", 42));
    assertThat(client.write("res.partner", List.of(43L), Map.of("comment", "ctx"))).isTrue();
    odoo.verify(postRequestedFor(urlPathEqualTo("/json/2/res.partner/write")));
  }

  private Object perform(WireFixture.Exchange x) throws Exception {
    String name = x.name();
    if (name.startsWith("xmlrpc ") || name.startsWith("jsonrpc ")) {
      TransportKind kind = name.startsWith("xmlrpc") ? TransportKind.XMLRPC : TransportKind.JSONRPC;
      stubLegacySession(kind);
      OdooClient legacy = client(kind, "<api-key>", true);
      if (name.contains("authenticate")) {
        return legacy.authenticate();
      }
      ServerVersion version = legacy.version();
      assertThat(version.major()).isEqualTo(19);
      assertThat(version.hasJson2()).isTrue();
      return x.transport().equals("xmlrpc")
          ? XmlRpcTestParser.response(x.response()).result()
          : expectedJson(x);
    }
    if (x.httpMethod().equals("GET")) {
      ServerVersion version = client(true).version();
      assertThat(version.serverVersion()).isEqualTo("19.0");
      return Map.of(
          "version_info",
          List.of(19L, 0L, 0L, "final", 0L, ""),
          "version",
          version.serverVersion());
    }
    String[] parts = x.path().split("/");
    String model = parts[3];
    String method = parts[4];
    boolean sendDatabase = x.requestHeaders().containsKey("X-Odoo-Database");
    OdooClient client = client(TransportKind.JSON2, "<api-key>", sendDatabase);
    if (method.equals("context_get")) {
      return ValueCodec.asMap(client.execute(model, method));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> body = new LinkedHashMap<>(Json.MAPPER.readValue(x.request(), Map.class));
    List<Object> args = new ArrayList<>();
    if (body.containsKey("ids")) {
      args.add(body.remove("ids")); // record methods: the ids go positionally, as in execute_kw
    }
    java.util.Optional<String> key = authorization(x).map(h -> h.substring("bearer ".length()));
    if (key.isEmpty() || !key.get().equals("<api-key>")) {
      // A call with a key the server refuses: a client would fail at its login already, so the
      // recorded call itself is sent through the protocol.
      OdooHttp http =
          new OdooHttp(
              URI.create(odoo.baseUrl()),
              java.time.Duration.ofSeconds(5),
              java.time.Duration.ofSeconds(5),
              true);
      return new Json2Protocol(http, sendDatabase)
          .call(
              new Protocol.Credentials("odoo19", "admin", key.orElse("")),
              2,
              model,
              method,
              args,
              body);
    }
    return client.executeKw(model, method, args, body);
  }

  private static java.util.Optional<String> authorization(WireFixture.Exchange x) {
    return java.util.Optional.ofNullable(x.requestHeaders().get("Authorization"));
  }

  private OdooClient client(boolean sendDatabase) {
    return client(TransportKind.JSON2, "<api-key>", sendDatabase);
  }

  private OdooClient client(TransportKind kind, String key, boolean sendDatabase) {
    OdooSettings s =
        OdooSettings.of("test", URI.create(odoo.baseUrl()), "odoo19", "admin", null, Secret.of(key))
            .withTransport(kind)
            .withRetry(RetryPolicy.NONE);
    OdooSettings settings =
        new OdooSettings(
            s.name(),
            s.url(),
            s.database(),
            s.login(),
            s.password(),
            s.apiKey(),
            s.transport(),
            s.connectTimeout(),
            s.requestTimeout(),
            s.tlsVerify(),
            s.retry(),
            s.fieldsCacheTtl(),
            sendDatabase);
    return OdooClients.create(settings, d -> {}, Ticker.systemTicker());
  }

  /** The client asks the version and its own uid before its first call. */
  private void stubSession() throws Exception {
    stub(find("web.version"));
    WireFixture.Exchange context = find("context_get (own user)");
    stub(context);
    // the same login, without X-Odoo-Database (the "no database header" case)
    odoo.stubFor(
        post(urlPathEqualTo(context.path()))
            .withHeader("Authorization", equalTo("bearer <api-key>"))
            .withHeader("X-Odoo-Database", absent())
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", context.contentType())
                    .withBody(context.response())));
  }

  private void stubLegacySession(TransportKind kind) throws Exception {
    if (kind == TransportKind.XMLRPC) {
      stub(find("xmlrpc common.version (deprecated in 19)"));
      stub(find("xmlrpc authenticate with api key as password"));
    } else {
      stub(find("jsonrpc common.version (deprecated in 19)"));
    }
  }

  private static WireFixture.Exchange find(String name) {
    return exchanges()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no exchange " + name));
  }

  private static Object expectedJson(WireFixture.Exchange x) throws Exception {
    Object answer = Json.MAPPER.readValue(x.response(), Object.class);
    if (x.transport().equals("jsonrpc")) {
      return ValueCodec.asMap(answer).get("result");
    }
    return answer;
  }

  private void stub(WireFixture.Exchange x) {
    MappingBuilder request = OdooStubs.recordedRequest(x);
    if (x.transport().equals("json2") && x.request() != null) {
      // The client always sends an API key: a recorded request without one is matched on its body.
      if (x.requestHeaders().containsKey("Authorization")) {
        request =
            request.withHeader("Authorization", equalTo(x.requestHeaders().get("Authorization")));
      }
      String database = x.requestHeaders().get("X-Odoo-Database");
      request =
          request.withHeader("X-Odoo-Database", database == null ? absent() : equalTo(database));
    }
    odoo.stubFor(request.willReturn(OdooStubs.recordedAnswer(x)));
  }
}
