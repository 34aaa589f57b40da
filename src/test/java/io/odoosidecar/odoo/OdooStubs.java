package io.odoosidecar.odoo;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToXml;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

/** Stub Odoo answers shared by the tests that talk to a WireMock Odoo. */
public final class OdooStubs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OdooStubs() {}

  /** A 200 answer with a JSON body. */
  public static ResponseDefinitionBuilder json(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  /** A JSON-RPC answer whose {@code result} is the given JSON. */
  public static ResponseDefinitionBuilder jsonRpcResult(String result) {
    return json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":" + result + "}");
  }

  /** Answers the JSON-RPC {@code common} method (version, authenticate) with a result. */
  public static void stubCommon(WireMockExtension odoo, String method, String result) {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(matchingJsonPath("$.params.method", equalTo(method)))
            .willReturn(jsonRpcResult(result)));
  }

  /** Answers the JSON-RPC {@code execute_kw} of {@code method} with a full body. */
  public static void stubExecute(WireMockExtension odoo, String method, String body) {
    odoo.stubFor(
        post(urlPathEqualTo("/jsonrpc"))
            .withRequestBody(matchingJsonPath("$.params.args[4]", equalTo(method)))
            .willReturn(json(body)));
  }

  /**
   * The request of a recorded XML-RPC, JSON-RPC or JSON-2 exchange, matching only a body equal to
   * the recorded one (the JSON-RPC request id aside).
   */
  static MappingBuilder recordedRequest(WireFixture.Exchange x) {
    MappingBuilder request =
        x.httpMethod().equals("GET")
            ? get(urlPathEqualTo(x.path()))
            : post(urlPathEqualTo(x.path()));
    if (x.request() == null) {
      return request;
    }
    if (x.transport().equals("xmlrpc")) {
      return request.withRequestBody(equalToXml(x.request()));
    }
    if (x.transport().equals("jsonrpc")) {
      try {
        ObjectNode body = (ObjectNode) JSON.readTree(x.request());
        body.put("id", "${json-unit.any-number}");
        return request.withRequestBody(equalToJson(body.toString()));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("recorded request of " + x + " is not JSON", e);
      }
    }
    return request.withRequestBody(equalToJson(x.request()));
  }

  /** The recorded answer of an exchange. */
  static ResponseDefinitionBuilder recordedAnswer(WireFixture.Exchange x) {
    return aResponse()
        .withStatus(x.status())
        .withHeader("Content-Type", x.contentType())
        .withBody(x.response());
  }
}
