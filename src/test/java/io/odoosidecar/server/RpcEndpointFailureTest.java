package io.odoosidecar.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.store.StoreUnavailableException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the endpoint answers when the sidecar itself fails under a call. */
class RpcEndpointFailureTest {
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  @Test
  void call_storeUnavailableBeforeParsing_503SoTheCallerRetries() throws Exception {
    HttpResponse<String> answer = call(new Failing(true, new StoreUnavailableException("gone")));
    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).contains("ServiceUnavailable").doesNotContain("gone");
  }

  @Test
  void call_storeUnavailableInTheCall_503() throws Exception {
    HttpResponse<String> answer = call(new Failing(false, new StoreUnavailableException("gone")));
    assertThat(answer.statusCode()).isEqualTo(503);
  }

  @Test
  void call_otherFailure_500NamingNothingInside() throws Exception {
    HttpResponse<String> answer =
        call(new Failing(false, new IllegalStateException("secret path")));
    assertThat(answer.statusCode()).isEqualTo(500);
    assertThat(answer.body()).doesNotContain("secret path");
  }

  private HttpResponse<String> call(RpcEndpoint.Service service) throws Exception {
    RpcEndpoint endpoint = new RpcEndpoint(service, 1 << 16);
    server = TestServers.started(Map.of("/jsonrpc", endpoint.jsonrpc()));
    String body =
        "{\"jsonrpc\":\"2.0\",\"method\":\"call\",\"id\":1,\"params\":{\"service\":\"object\","
            + "\"method\":\"execute_kw\",\"args\":[\"odoo\",1,\"s\",\"sidecar.event\",\"push\",[{}]]}}";
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/jsonrpc"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** A service that fails with the given exception, in its admission check or in the call. */
  private record Failing(boolean inAdmit, RuntimeException failure) implements RpcEndpoint.Service {
    @Override
    public void admit(RpcEndpoint.Request request) {
      if (inAdmit) {
        throw failure;
      }
    }

    @Override
    public Map<String, Object> version() {
      return Map.of();
    }

    @Override
    public OptionalLong authenticate(
        String database, String login, String password, RpcEndpoint.Request request) {
      return OptionalLong.of(1);
    }

    @Override
    public Object execute(
        String database,
        long uid,
        String password,
        String model,
        String method,
        List<Object> args,
        Map<String, Object> kwargs,
        RpcEndpoint.Request request) {
      throw failure;
    }
  }
}
