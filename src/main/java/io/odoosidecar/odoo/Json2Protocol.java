package io.odoosidecar.odoo;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Odoo's JSON-2 API (Odoo 19+): {@code POST /json/2/<model>/<method>} with named arguments, an API
 * key as bearer token, and the database in {@code X-Odoo-Database}. Each call is its own
 * transaction; errors are HTTP statuses with a JSON body.
 */
final class Json2Protocol implements Protocol {
  private static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private final OdooHttp http;
  private final boolean sendDatabase;

  /**
   * Creates the protocol.
   *
   * @param http the server
   * @param sendDatabase whether to name the database in {@code X-Odoo-Database} (needed when the
   *     server holds several databases)
   */
  Json2Protocol(OdooHttp http, boolean sendDatabase) {
    this.http = http;
    this.sendDatabase = sendDatabase;
  }

  @Override
  public TransportKind kind() {
    return TransportKind.JSON2;
  }

  @Override
  public ServerVersion version() {
    OdooHttp.Response response = http.get("/web/version", Map.of());
    Protocol.checkGatewayStatus("GET /web/version", response);
    if (response.status() != 200) {
      throw Protocol.unexpected("GET /web/version", response);
    }
    try {
      return ServerVersion.ofWebVersion(ValueCodec.asMap(Json.read(response.body())));
    } catch (IOException | IllegalArgumentException e) {
      throw Protocol.unexpected("GET /web/version", response);
    }
  }

  @Override
  public long authenticate(Credentials credentials) {
    Map<String, Object> context =
        ValueCodec.asMap(invoke(credentials, "res.users", "context_get", Map.of()));
    if (!(context.get("uid") instanceof Long uid)) {
      throw OdooAuthenticationException.refused(credentials.database(), credentials.login());
    }
    return uid;
  }

  @Override
  public Object call(
      Credentials credentials,
      long uid,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs) {
    return invoke(credentials, model, method, Json2Arguments.named(model, method, args, kwargs));
  }

  private Object invoke(
      Credentials credentials, String model, String method, Map<String, Object> body) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "bearer " + credentials.secret());
    if (sendDatabase) {
      headers.put("X-Odoo-Database", credentials.database());
    }
    String path = "/json/2/" + model + "/" + method;
    String where = "JSON-2 " + model + "." + method;
    OdooHttp.Response response = http.post(path, CONTENT_TYPE, Json.write(body), headers);
    Protocol.checkGatewayStatus(where, response);
    Object answer;
    try {
      answer = Json.read(response.body());
    } catch (IOException e) {
      throw Protocol.unexpected(where, response);
    }
    if (response.status() == 200) {
      return answer;
    }
    if (answer instanceof Map<?, ?> && ((Map<?, ?>) answer).containsKey("name")) {
      throw Faults.ofJson(ValueCodec.asMap(answer), "HTTP " + response.status(), response.status());
    }
    throw Protocol.unexpected(where, response);
  }
}
