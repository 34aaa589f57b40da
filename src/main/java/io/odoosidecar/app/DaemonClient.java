package io.odoosidecar.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.pipeline.PushReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls a model of the running daemon's RPC endpoint ({@code /jsonrpc} on {@code
 * server.host:server.port}) with the push secret, as the addon does: the secret as the password, or
 * an HMAC signature of the body in {@code hmac} mode.
 */
final class DaemonClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The daemon could not be asked: not running, not reachable, or refusing the secret. */
  static final class Unavailable extends SidecarException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message);
    }
  }

  private final URI endpoint;
  private final String database;
  private final Secret secret;
  private final PushReceiver.Auth auth;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  DaemonClient(URI endpoint, String database, Secret secret, PushReceiver.Auth auth, Clock clock) {
    this.endpoint = endpoint;
    this.database = database;
    this.secret = secret;
    this.auth = auth;
    this.clock = clock;
  }

  /** The client of the daemon this configuration describes; refused when it has no push secret. */
  static DaemonClient of(SidecarConfig config) {
    SidecarConfig.PushConfig push = config.push();
    if (push.secret().isEmpty()) {
      throw new Unavailable(
          "the daemon cannot be asked: no push secret is configured (SIDECAR_PUSH_SECRET,"
              + " push.secret-env or push.secret-file), and its RPC endpoint needs one");
    }
    URI uri =
        URI.create("http://" + address(config.server().host()) + ":" + config.server().port());
    return new DaemonClient(
        uri.resolve("/jsonrpc"),
        config.connection(null).database(),
        push.secret().get(),
        push.auth(),
        Clock.systemUTC());
  }

  /** The endpoint called, for messages. */
  URI endpoint() {
    return endpoint;
  }

  /** {@code execute_kw(db, 1, secret, model, method, args, {})}'s result. */
  Object call(String model, String method, List<Object> args) {
    byte[] body = body(model, method, args);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (auth == PushReceiver.Auth.HMAC) {
      String stamp = String.valueOf(clock.instant().getEpochSecond());
      byte[] mac = PushReceiver.hmac(secret.reveal().getBytes(StandardCharsets.UTF_8), stamp, body);
      request.header("X-Sidecar-Timestamp", stamp);
      request.header("X-Sidecar-Signature", "sha256=" + HexFormat.of().formatHex(mac));
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new Unavailable("no sidecar answered at " + endpoint + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted while asking the sidecar at " + endpoint);
    }
    return result(response);
  }

  private byte[] body(String model, String method, List<Object> args) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("service", "object");
    params.put("method", "execute_kw");
    String password = auth == PushReceiver.Auth.SECRET ? secret.reveal() : "";
    params.put("args", List.of(database, 1, password, model, method, args, Map.of()));
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("jsonrpc", "2.0");
    call.put("method", "call");
    call.put("params", params);
    // a fresh id: in hmac mode each signature is accepted once, and two calls in one second
    // would otherwise sign the same text
    call.put("id", java.util.UUID.randomUUID().toString());
    try {
      return JSON.writeValueAsBytes(call);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON-RPC call", e);
    }
  }

  private Object result(HttpResponse<byte[]> response) {
    Map<?, ?> answer;
    try {
      answer = JSON.readValue(response.body(), Map.class);
    } catch (IOException e) {
      throw new Unavailable(
          "the answer of " + endpoint + " is not JSON-RPC (HTTP " + response.statusCode() + ")");
    }
    if (answer.get("error") instanceof Map<?, ?> error) {
      Object message =
          error.get("data") instanceof Map<?, ?> data ? data.get("message") : error.get("message");
      String why = response.statusCode() == 401 ? "refused the push secret: " : "refused: ";
      throw new Unavailable("the sidecar at " + endpoint + " " + why + message);
    }
    return answer.get("result");
  }

  private static String describe(IOException e) {
    String text = e.getMessage();
    if (e instanceof java.net.ConnectException) {
      return "connection refused (is the daemon running, on this server.host and server.port?)";
    }
    return text == null || text.isEmpty() ? e.getClass().getSimpleName() : text;
  }

  /** The address to call for a server bound to {@code host}: loopback for every interface. */
  private static String address(String host) {
    try {
      if (InetAddress.getByName(host).isAnyLocalAddress()) {
        return "127.0.0.1";
      }
    } catch (UnknownHostException e) {
      return host;
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }
}
