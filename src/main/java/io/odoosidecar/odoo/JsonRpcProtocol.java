package io.odoosidecar.odoo;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** Odoo's JSON-RPC API: {@code POST /jsonrpc} with a {@code service}, a method and arguments. */
final class JsonRpcProtocol implements Protocol {
  private static final String CONTENT_TYPE = "application/json";

  private final OdooHttp http;
  private final AtomicLong ids = new AtomicLong();

  JsonRpcProtocol(OdooHttp http) {
    this.http = http;
  }

  @Override
  public TransportKind kind() {
    return TransportKind.JSONRPC;
  }

  @Override
  public ServerVersion version() {
    return ServerVersion.ofCommonVersion(ValueCodec.asMap(invoke("common", "version", List.of())));
  }

  @Override
  public long authenticate(Credentials credentials) {
    return Protocol.uidOrRefuse(
        invoke("common", "authenticate", Protocol.authenticateParams(credentials)), credentials);
  }

  @Override
  public Object call(
      Credentials credentials,
      long uid,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs) {
    return invoke(
        "object",
        "execute_kw",
        Protocol.executeKwParams(credentials, uid, model, method, args, kwargs));
  }

  private Object invoke(String service, String method, List<Object> args) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("service", service);
    params.put("method", method);
    params.put("args", args);
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("jsonrpc", "2.0");
    request.put("method", "call");
    request.put("params", params);
    request.put("id", ids.incrementAndGet());
    String where = "JSON-RPC " + service + "." + method;
    OdooHttp.Response response = http.post("/jsonrpc", CONTENT_TYPE, Json.write(request), Map.of());
    Protocol.checkGatewayStatus(where, response);
    if (response.status() != 200) {
      throw Protocol.unexpected(where, response);
    }
    Map<String, Object> answer;
    try {
      answer = ValueCodec.asMap(Json.read(response.body()));
    } catch (IOException | IllegalArgumentException e) {
      throw Protocol.unexpected(where, response);
    }
    if (answer.containsKey("error")) {
      Map<String, Object> error = ValueCodec.asMap(answer.get("error"));
      int code = error.get("code") instanceof Long c ? c.intValue() : 0;
      String message = error.get("message") instanceof String s ? s : "Odoo Server Error";
      throw Faults.ofJson(ValueCodec.asMap(error.get("data")), message, code);
    }
    if (!answer.containsKey("result")) {
      if ("2.0".equals(answer.get("jsonrpc")) && answer.containsKey("id")) {
        return null; // Odoo leaves "result" out when the method returned None
      }
      throw Protocol.unexpected(where, response);
    }
    return answer.get("result");
  }
}
