package io.odoosidecar.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.odoo.XmlRpcCodec;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * The sidecar's Odoo-compatible RPC endpoint: {@code /xmlrpc/2/common}, {@code /xmlrpc/2/object}
 * and {@code /jsonrpc}, as Odoo serves them, so that the addon and any Odoo RPC client (Python's
 * {@code xmlrpc.client}, odoorpc, the sidecar's own client) can call it.
 *
 * <p>Implementation notes: {@code common} answers {@code version}, {@code authenticate} and {@code
 * login}; {@code object} answers {@code execute_kw} and {@code execute}, handed to a {@link
 * Service}. A body is collected by the IO thread as its bytes arrive, so a slow client holds no
 * worker; it must be complete within the read time-out (else 408 and the connection closed) and
 * within the size limit (else 413, before anything is parsed). The service then checks what it can
 * of the raw request ({@link Service#admit}: a signature) before the body is parsed; XML with a
 * DOCTYPE is refused before the parser runs, JSON deeper than {@value #MAX_JSON_DEPTH} levels by
 * the parser. A refusal carries an HTTP status (400 malformed, 401 not authenticated, 408 too slow,
 * 409 replayed, 413 too large) with the reason as the status line's phrase, and an XML-RPC fault or
 * a JSON-RPC error in Odoo's shape as the body; Odoo-style faults of the service itself (an unknown
 * model) are answered with 200, as Odoo does. A failure of the sidecar itself is a 500 that names
 * nothing of it.
 */
public final class RpcEndpoint {
  private static final String UNAVAILABLE = "unavailable: retry later";

  private static final Logger LOG = LoggerFactory.getLogger(RpcEndpoint.class);

  /** The deepest JSON nesting a call may have; the longest number. */
  static final int MAX_JSON_DEPTH = 64;

  private static final ObjectMapper JSON =
      new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .streamReadConstraints(
                  com.fasterxml.jackson.core.StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_JSON_DEPTH)
                      .maxNumberLength(64)
                      .build())
              .build());

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
    /**
     * Checks what can be checked of a request before its body is parsed (a signature over the raw
     * body), so that an unauthenticated caller costs no parsing; by default nothing.
     */
    default void admit(Request request) throws RpcFault {}

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
  public record Request(byte[] body, Map<String, String> headers, String peer) {
    /** A request whose peer is not known. */
    public Request(byte[] body, Map<String, String> headers) {
      this(body, headers, "");
    }

    public String header(String name) {
      return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** The caller's address, as the connection shows it (no proxy header is trusted). */
  private static String peer(io.undertow.server.HttpServerExchange exchange) {
    java.net.InetSocketAddress source = exchange.getSourceAddress();
    return source == null || source.getAddress() == null
        ? ""
        : source.getAddress().getHostAddress();
  }

  private final Service service;
  private final BodyCollector bodies;
  private final XmlRpcCodec xml = new XmlRpcCodec();

  /** An endpoint that gives a body the default 10 s to arrive. */
  public RpcEndpoint(Service service, int maxBody) {
    this(service, maxBody, Duration.ofSeconds(10));
  }

  /**
   * @param maxBody the largest body accepted, in bytes
   * @param readTimeout how long a whole body may take to arrive, from the end of the headers
   */
  public RpcEndpoint(Service service, int maxBody, Duration readTimeout) {
    this.service = service;
    this.bodies = new BodyCollector(maxBody, readTimeout);
  }

  /** How one dialect decodes a call and writes its answers. */
  private interface Dialect {
    /** The call's answer, in wire form. */
    Object call(Request request, Map<String, Object> answer) throws RpcFault;

    /** The body of a successful answer. */
    byte[] result(Object result, Map<String, Object> answer) throws IOException;

    /** The body of a refusal. */
    byte[] fault(RpcFault fault, Map<String, Object> answer) throws IOException;

    String contentType();
  }

  /** The handler of {@code /xmlrpc/2/common} or {@code /xmlrpc/2/object}. */
  public HttpHandler xmlrpc(String serviceName) {
    Dialect dialect =
        new Dialect() {
          @Override
          public Object call(Request request, Map<String, Object> answer) throws RpcFault {
            XmlRpcCodec.Call call;
            try {
              call = xml.call(request.body());
            } catch (org.xml.sax.SAXException e) { // a DOCTYPE: XmlGuard's one fixed reason
              throw RpcFault.malformed("malformed XML-RPC call: " + e.getMessage());
            }
            return dispatch(serviceName, call.method(), call.params(), request);
          }

          @Override
          public byte[] result(Object result, Map<String, Object> answer) {
            return xml.result(result);
          }

          @Override
          public byte[] fault(RpcFault fault, Map<String, Object> answer) {
            return xml.fault(fault.code, fault.getMessage());
          }

          @Override
          public String contentType() {
            return "text/xml";
          }
        };
    return exchange -> receive(exchange, dialect);
  }

  /** The handler of {@code /jsonrpc}. */
  public HttpHandler jsonrpc() {
    Dialect dialect =
        new Dialect() {
          @Override
          public Object call(Request request, Map<String, Object> answer) throws RpcFault {
            Map<String, Object> call;
            try {
              call = ValueCodec.asMap((Map<?, ?>) JSON.readValue(request.body(), Map.class));
            } catch (IOException | RuntimeException e) {
              throw RpcFault.malformed("malformed JSON-RPC call: " + jsonReason(e));
            }
            if (call == null) {
              throw RpcFault.malformed("malformed JSON-RPC call: not an object");
            }
            answer.put("id", call.get("id"));
            if (!(call.get("params") instanceof Map<?, ?> params)) {
              throw RpcFault.malformed("a JSON-RPC call needs params {service, method, args}");
            }
            List<Object> args =
                params.get("args") instanceof List<?> list ? new ArrayList<>(list) : List.of();
            return dispatch(
                String.valueOf(params.get("service")),
                String.valueOf(params.get("method")),
                args,
                request);
          }

          @Override
          public byte[] result(Object result, Map<String, Object> answer) throws IOException {
            answer.put("result", result);
            return JSON.writeValueAsBytes(answer);
          }

          @Override
          public byte[] fault(RpcFault fault, Map<String, Object> answer) throws IOException {
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
            return JSON.writeValueAsBytes(answer);
          }

          @Override
          public String contentType() {
            return "application/json";
          }
        };
    return exchange -> receive(exchange, dialect);
  }

  /**
   * Reads the body without holding a worker thread (the IO thread collects the bytes as they come),
   * within the size limit and the read deadline, then answers the call on a worker.
   */
  private void receive(HttpServerExchange exchange, Dialect dialect) {
    if (!exchange.getRequestMethod().equals(Methods.POST)) {
      respond(
          exchange,
          dialect,
          new RpcFault(405, 1, "werkzeug.exceptions.MethodNotAllowed", "use POST"));
      return;
    }
    bodies.collect(
        exchange,
        (ex, body) -> answer(ex, dialect, new Request(body, headers(ex), peer(ex))),
        ex -> respond(ex, dialect, tooLarge()));
  }

  private void answer(HttpServerExchange exchange, Dialect dialect, Request request) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("jsonrpc", "2.0");
    answer.put("id", null);
    byte[] body;
    int status = 200;
    try {
      try {
        service.admit(request);
        body = dialect.result(dialect.call(request, answer), answer);
      } catch (RpcFault fault) {
        status = fault.status();
        body = dialect.fault(fault, answer);
        exchange.setReasonPhrase(phrase(fault.getMessage()));
      } catch (io.odoosidecar.SidecarException e) {
        status = e.retriable() ? 503 : 500;
        body = dialect.fault(failure(e), answer);
        exchange.setReasonPhrase(status == 503 ? UNAVAILABLE : "internal error");
      } catch (RuntimeException e) {
        LOG.error("the RPC endpoint failed on a call: {}", e.toString(), e);
        status = 500;
        body =
            dialect.fault(new RpcFault(500, 1, "builtins.RuntimeError", "internal error"), answer);
      }
    } catch (IOException e) {
      IoUtils.safeClose(exchange.getConnection());
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, dialect.contentType());
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  /**
   * The fault for a failure of the sidecar itself: retryable ones (the store away) are a 503, so
   * that the caller keeps what it sent and tries again; others a 500 that names nothing inside.
   */
  private static RpcFault failure(io.odoosidecar.SidecarException e) {
    if (e.retriable()) {
      LOG.warn("the RPC endpoint cannot answer now: {}", e.getMessage());
      return new RpcFault(503, 1, "werkzeug.exceptions.ServiceUnavailable", UNAVAILABLE);
    }
    LOG.error("the RPC endpoint failed on a call: {}", e.toString(), e);
    return new RpcFault(500, 1, "builtins.RuntimeError", "internal error");
  }

  private void respond(HttpServerExchange exchange, Dialect dialect, RpcFault fault) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("jsonrpc", "2.0");
    answer.put("id", null);
    try {
      byte[] body = dialect.fault(fault, answer);
      exchange.setStatusCode(fault.status());
      exchange.setReasonPhrase(phrase(fault.getMessage()));
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, dialect.contentType());
      exchange.getResponseSender().send(ByteBuffer.wrap(body));
    } catch (IOException e) {
      IoUtils.safeClose(exchange.getConnection());
    }
  }

  /** Jackson's reason without the excerpt of the body it quotes. */
  private static String jsonReason(Exception e) {
    if (e instanceof com.fasterxml.jackson.core.JsonProcessingException json) {
      return json.getOriginalMessage();
    }
    return e.getClass().getSimpleName();
  }

  private static Map<String, String> headers(HttpServerExchange exchange) {
    Map<String, String> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            h ->
                headers.put(
                    h.getHeaderName().toString().toLowerCase(java.util.Locale.ROOT), h.getFirst()));
    return headers;
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

  private RpcFault tooLarge() {
    return new RpcFault(
        413,
        2,
        "odoo.exceptions.ValidationError",
        "request body larger than the limit of " + bodies.maxBody() + " bytes");
  }

  /** A status line's reason phrase: one line of printable ASCII. */
  private static String phrase(String message) {
    String line = message == null ? "" : message.replaceAll("[^\\x20-\\x7e]", " ");
    return line.length() > 200 ? line.substring(0, 200) : line;
  }
}
