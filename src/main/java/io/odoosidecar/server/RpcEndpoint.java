package io.odoosidecar.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.odoo.XmlRpcCodec;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sidecar's Odoo-compatible RPC endpoint: {@code /xmlrpc/2/common}, {@code /xmlrpc/2/object}
 * and {@code /jsonrpc}, as Odoo serves them, so that the addon and any Odoo RPC client (Python's
 * {@code xmlrpc.client}, odoorpc, the sidecar's own client) can call it.
 *
 * <p>Implementation notes: {@code common} answers {@code version}, {@code authenticate} and {@code
 * login}; {@code object} answers {@code execute_kw} and {@code execute}, handed to a {@link
 * Service}. Bodies are read up to a limit; a larger one is refused with 413 before it is parsed. A
 * refusal carries an HTTP status (400 malformed, 401 not authenticated, 409 replayed, 413 too
 * large) with the reason as the status line's phrase, and an XML-RPC fault or a JSON-RPC error in
 * Odoo's shape as the body; Odoo-style faults of the service itself (an unknown model) are answered
 * with 200, as Odoo does.
 */
public final class RpcEndpoint {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a call may be refused with. */
  public static final class RpcFault extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final int code;
    private final String odooClass;

    /**
     * @param status the HTTP status (200 for Odoo's own faults)
     * @param code the XML-RPC fault code, as Odoo numbers them (1 error, 2 warning, 3 access
     *     denied)
     * @param odooClass the Python exception class a JSON-RPC error names
     * @param message the reason
     */
    public RpcFault(int status, int code, String odooClass, String message) {
      super(message);
      this.status = status;
      this.code = code;
      this.odooClass = odooClass;
    }

    public int status() {
      return status;
    }

    /** A malformed call: 400. */
    public static RpcFault malformed(String message) {
      return new RpcFault(400, 2, "odoo.exceptions.ValidationError", message);
    }

    /** Credentials refused: 401. */
    public static RpcFault denied(String message) {
      return new RpcFault(401, 3, "odoo.exceptions.AccessDenied", message);
    }
  }

  /** What the endpoint serves. */
  public interface Service {
    /** {@code common.version()}. */
    Map<String, Object> version();

    /** The user id for these credentials, or empty when refused. */
    java.util.OptionalLong authenticate(
        String database, String login, String password, Request request);

    /**
     * {@code execute_kw(db, uid, password, model, method, args, kwargs)}; {@code body} and {@code
     * headers} are the raw request, for signatures.
     */
    Object execute(
        String database,
        long uid,
        String password,
        String model,
        String method,
        List<Object> args,
        Map<String, Object> kwargs,
        Request request)
        throws RpcFault;
  }

  /** The raw request, for services that check a signature over the body. */
  public record Request(byte[] body, Map<String, String> headers) {
    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  private final Service service;
  private final int maxBody;
  private final XmlRpcCodec xml = new XmlRpcCodec();

  public RpcEndpoint(Service service, int maxBody) {
    this.service = service;
    this.maxBody = maxBody;
  }

  /** The handler of {@code /xmlrpc/2/common} or {@code /xmlrpc/2/object}. */
  public HttpHandler xmlrpc(String serviceName) {
    return exchange -> {
      if (exchange.isInIoThread()) {
        exchange.dispatch(xmlrpc(serviceName));
        return;
      }
      exchange.startBlocking();
      Object answer;
      int status = 200;
      try {
        Request request = read(exchange);
        XmlRpcCodec.Call call;
        try {
          call = xml.call(request.body());
        } catch (org.xml.sax.SAXException e) {
          throw RpcFault.malformed("malformed XML-RPC call: " + e.getMessage());
        }
        answer = xml.result(dispatch(serviceName, call.method(), call.params(), request));
      } catch (RpcFault fault) {
        status = fault.status();
        answer = xml.fault(fault.code, fault.getMessage());
        exchange.setReasonPhrase(phrase(fault.getMessage()));
      }
      exchange.setStatusCode(status);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/xml");
      exchange.getResponseSender().send(java.nio.ByteBuffer.wrap((byte[]) answer));
    };
  }

  /** The handler of {@code /jsonrpc}. */
  public HttpHandler jsonrpc() {
    return exchange -> {
      if (exchange.isInIoThread()) {
        exchange.dispatch(jsonrpc());
        return;
      }
      exchange.startBlocking();
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("jsonrpc", "2.0");
      int status = 200;
      try {
        Request request = read(exchange);
        Map<String, Object> call;
        try {
          call = ValueCodec.asMap(JSON.readValue(request.body(), Map.class));
        } catch (IOException | IllegalArgumentException e) {
          throw RpcFault.malformed("malformed JSON-RPC call: " + e.getMessage());
        }
        answer.put("id", call.get("id"));
        if (!(call.get("params") instanceof Map<?, ?> params)) {
          throw RpcFault.malformed("a JSON-RPC call needs params {service, method, args}");
        }
        List<Object> args =
            params.get("args") instanceof List<?> list ? new ArrayList<>(list) : List.of();
        answer.put(
            "result",
            dispatch(
                String.valueOf(params.get("service")),
                String.valueOf(params.get("method")),
                args,
                request));
      } catch (RpcFault fault) {
        status = fault.status();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", fault.odooClass);
        data.put("debug", "");
        data.put("message", fault.getMessage());
        data.put("arguments", List.of(fault.getMessage()));
        data.put("context", Map.of());
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", 200);
        error.put("message", "Odoo Server Error");
        error.put("data", data);
        answer.put("error", error);
        exchange.setReasonPhrase(phrase(fault.getMessage()));
      }
      exchange.setStatusCode(status);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      exchange.getResponseSender().send(JSON.writeValueAsString(answer));
    };
  }

  private Object dispatch(String serviceName, String method, List<Object> params, Request request)
      throws RpcFault {
    switch (serviceName + "." + method) {
      case "common.version":
        return service.version();
      case "common.authenticate":
      case "common.login":
        {
          require(params, 3, method);
          java.util.OptionalLong uid =
              service.authenticate(
                  String.valueOf(params.get(0)),
                  String.valueOf(params.get(1)),
                  String.valueOf(params.get(2)),
                  request);
          return uid.isPresent() ? (Object) uid.getAsLong() : Boolean.FALSE;
        }
      case "object.execute_kw":
      case "object.execute":
        {
          require(params, 5, method);
          long uid = params.get(1) instanceof Number n ? n.longValue() : -1;
          List<Object> args;
          Map<String, Object> kwargs = Map.of();
          if (method.equals("execute_kw")) {
            args =
                params.size() > 5 && params.get(5) instanceof List<?> list
                    ? new ArrayList<>(list)
                    : List.of();
            if (params.size() > 6 && params.get(6) instanceof Map<?, ?> map) {
              kwargs = ValueCodec.asMap(map);
            }
          } else {
            args = new ArrayList<>(params.subList(5, params.size()));
          }
          return service.execute(
              String.valueOf(params.get(0)),
              uid,
              String.valueOf(params.get(2)),
              String.valueOf(params.get(3)),
              String.valueOf(params.get(4)),
              args,
              kwargs,
              request);
        }
      default:
        throw new RpcFault(
            404, 1, "werkzeug.exceptions.NotFound", "unknown method " + serviceName + "." + method);
    }
  }

  private static void require(List<Object> params, int count, String method) throws RpcFault {
    if (params.size() < count) {
      throw RpcFault.malformed(method + " takes at least " + count + " parameters");
    }
  }

  private Request read(HttpServerExchange exchange) throws RpcFault, IOException {
    if (!exchange.getRequestMethod().equals(Methods.POST)) {
      throw new RpcFault(405, 1, "werkzeug.exceptions.MethodNotAllowed", "use POST");
    }
    long declared = exchange.getRequestContentLength();
    if (declared > maxBody) {
      throw tooLarge();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.max(256, declared));
    byte[] buffer = new byte[8192];
    try (InputStream in = exchange.getInputStream()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        if (out.size() + n > maxBody) {
          throw tooLarge();
        }
        out.write(buffer, 0, n);
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            h ->
                headers.put(
                    h.getHeaderName().toString().toLowerCase(java.util.Locale.ROOT), h.getFirst()));
    return new Request(out.toByteArray(), headers);
  }

  private RpcFault tooLarge() {
    return new RpcFault(
        413,
        2,
        "odoo.exceptions.ValidationError",
        "request body larger than the limit of " + maxBody + " bytes");
  }

  /** A status line's reason phrase: one line of printable ASCII. */
  private static String phrase(String message) {
    String line = message == null ? "" : message.replaceAll("[^\\x20-\\x7e]", " ");
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
