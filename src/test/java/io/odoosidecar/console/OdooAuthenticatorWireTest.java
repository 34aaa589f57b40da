package io.odoosidecar.console;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.OdooStubs;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Odoo authenticator over the real client, against a JSON-RPC Odoo 19 on the wire: the calls
 * carry the user's credentials, never the sidecar's API key, and read {@code all_group_ids}.
 */
class OdooAuthenticatorWireTest {
  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String SERVICE_KEY = "sidecar-service-api-key-5d1";

  private OdooAuthenticator authenticator;

  @BeforeEach
  void stubOdoo19() {
    odoo.resetAll();
    OdooStubs.stubCommon(
        odoo,
        "version",
        "{\"server_version\":\"19.0\",\"server_version_info\":[19,0,0,\"final\",0,\"\"],"
            + "\"server_serie\":\"19.0\"}");
    OdooStubs.stubCommon(odoo, "authenticate", "false");
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(matchingJsonPath("$.params.method", equalTo("authenticate")))
            .withRequestBody(matchingJsonPath("$.params.args[1]", equalTo("admin")))
            .withRequestBody(matchingJsonPath("$.params.args[2]", equalTo("admin-pw")))
            .willReturn(OdooStubs.jsonRpcResult("2")));
    execute("ir.model.data", "search_read", "[{\"id\":1,\"res_id\":3}]");
    execute(
        "res.users",
        "fields_get",
        "{\"login\":{\"type\":\"char\"},"
            + "\"group_ids\":{\"type\":\"many2many\",\"relation\":\"res.groups\"},"
            + "\"all_group_ids\":{\"type\":\"many2many\",\"relation\":\"res.groups\"}}");
    execute("res.users", "read", "[{\"id\":2,\"all_group_ids\":[1,3]}]");
    OdooSettings connection =
        OdooSettings.of(
                "main",
                URI.create(odoo.baseUrl()),
                "prod",
                "sidecar-bot",
                null,
                Secret.of(SERVICE_KEY))
            .withTransport(TransportKind.JSON2);
    authenticator = new OdooAuthenticator(connection, "base.group_system");
  }

  private static void execute(String model, String method, String result) {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo(model)))
            .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)))
            .willReturn(OdooStubs.jsonRpcResult(result)));
  }

  @Test
  void aSystemUserIsLetInWithChecksMadeAsThatUser() {
    assertThat(authenticator.authenticate("admin", "admin-pw").outcome())
        .isEqualTo(Authenticator.Outcome.ACCEPTED);
    List<LoggedRequest> calls =
        odoo.findAll(
            postRequestedFor(urlPathEqualTo("/jsonrpc"))
                .withRequestBody(matchingJsonPath("$.params.method", equalTo("execute_kw"))));
    assertThat(calls).hasSizeGreaterThanOrEqualTo(3);
    for (LoggedRequest call : calls) {
      assertThat(call.getBodyAsString())
          .contains("\"admin-pw\"")
          .doesNotContain(SERVICE_KEY)
          .containsPattern("\"args\":\\[\"prod\",2,");
    }
    odoo.verify(
        postRequestedFor(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo("read")))
            .withRequestBody(containing("all_group_ids")));
    odoo.verify(
        postRequestedFor(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(matchingJsonPath("$.params.args[3]", equalTo("ir.model.data")))
            .withRequestBody(containing("\"group_system\"")));
  }

  @Test
  void aWrongPasswordIsRefusedWithoutFurtherCalls() {
    assertThat(authenticator.authenticate("admin", "nope").outcome())
        .isEqualTo(Authenticator.Outcome.REFUSED);
    assertThat(
            odoo.findAll(
                postRequestedFor(urlPathEqualTo("/jsonrpc"))
                    .withRequestBody(matchingJsonPath("$.params.method", equalTo("execute_kw")))))
        .isEmpty();
  }

  @Test
  void aUserWithoutTheGroupIsNotLetIn() {
    execute("res.users", "read", "[{\"id\":2,\"all_group_ids\":[1]}]");
    assertThat(authenticator.authenticate("admin", "admin-pw").outcome())
        .isEqualTo(Authenticator.Outcome.NOT_IN_GROUP);
  }
}
