package io.odoosidecar.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sidecar's own HTTP server (Undertow): {@code GET /health}, {@code GET /health/ready} (200
 * when the sidecar can take changes in, 503 with the reason otherwise), and the routes the daemon
 * adds (the RPC endpoint, webhooks).
 */
public final class HttpServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String host;
  private final int port;
  private final Supplier<Status> status;
  private final Supplier<Readiness> readiness;
  private final Map<String, io.undertow.server.HttpHandler> routes;
  private final Timeouts timeouts;
  private Undertow undertow;

  /**
   * How long a client may take: to send a request's headers (its body is bounded by the handler
   * that reads it), and to leave a connection open with no request or with an answer unread.
   */
  public record Timeouts(java.time.Duration read, java.time.Duration idle) {
    /** 10 s to read, 60 s idle. */
    public static final Timeouts DEFAULT =
        new Timeouts(java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(60));
  }

  /** Whether the sidecar can take changes in now, and why not. */
  public record Readiness(boolean ready, String reason) {
    public static final Readiness READY = new Readiness(true, "");
  }

  public HttpServer(String host, int port, Supplier<Status> status) {
    this(host, port, status, () -> Readiness.READY, Map.of(), Timeouts.DEFAULT);
  }

  /** A server with more routes, always ready, with the default time-outs. */
  public HttpServer(
      String host,
      int port,
      Supplier<Status> status,
      Map<String, io.undertow.server.HttpHandler> routes) {
    this(host, port, status, () -> Readiness.READY, routes, Timeouts.DEFAULT);
  }

  /** A server with more routes and its own time-outs, always ready. */
  public HttpServer(
      String host,
      int port,
      Supplier<Status> status,
      Map<String, io.undertow.server.HttpHandler> routes,
      Timeouts timeouts) {
    this(host, port, status, () -> Readiness.READY, routes, timeouts);
  }

  /**
   * A server with more routes: exact paths, or prefixes when they end with a slash.
   *
   * @param readiness what {@code /health/ready} answers
   * @param timeouts how long a client may take
   */
  public HttpServer(
      String host,
      int port,
      Supplier<Status> status,
      Supplier<Readiness> readiness,
      Map<String, io.undertow.server.HttpHandler> routes,
      Timeouts timeouts) {
    this.host = host;
    this.port = port;
    this.status = status;
    this.readiness = readiness;
    this.routes = Map.copyOf(routes);
    this.timeouts = timeouts;
  }

  public void start() {
    PathHandler paths =
        new PathHandler()
            .addExactPath("/health", this::health)
            .addExactPath("/health/ready", this::ready)
            .addExactPath("/health/live", this::live);
    routes.forEach(
        (path, handler) -> {
          if (path.endsWith("/")) {
            paths.addPrefixPath(path, handler);
          } else {
            paths.addExactPath(path, handler);
          }
        });
    undertow =
        Undertow.builder()
            .addHttpListener(port, host)
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(timeouts.read()))
            .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, millis(timeouts.idle()))
            .setSocketOption(org.xnio.Options.WRITE_TIMEOUT, millis(timeouts.idle()))
            .setHandler(paths)
            .build();
    undertow.start();
  }

  private static int millis(java.time.Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, duration.toMillis()));
  }

  /** The port listened on (the one the system chose when configured as 0). */
  public int port() {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  public void stop() {
    if (undertow != null) {
      undertow.stop();
    }
  }

  private void ready(HttpServerExchange exchange) throws JsonProcessingException {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this::ready); // the status may wait on the event log: never on an IO thread
      return;
    }
    if (refusedMethod(exchange)) {
      return;
    }
    Readiness current = readiness.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", current.ready() ? "ready" : "not ready");
    if (!current.ready()) {
      body.put("reason", current.reason());
    }
    exchange.setStatusCode(current.ready() ? 200 : 503);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(JSON.writeValueAsString(body));
  }

  /**
   * The process answers: 200 whatever the store and the connections, for a supervisor's liveness
   * probe (a sidecar waiting for Odoo is alive; restarting it would not bring Odoo back).
   */
  private void live(HttpServerExchange exchange) {
    if (refusedMethod(exchange)) {
      return;
    }
    exchange.setStatusCode(200);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send("{\"status\":\"alive\"}");
  }

  private static boolean refusedMethod(HttpServerExchange exchange) {
    if (exchange.getRequestMethod().equals(Methods.GET)) {
      return false;
    }
    exchange.setStatusCode(405);
    exchange.getResponseHeaders().put(Headers.ALLOW, "GET");
    exchange.endExchange();
    return true;
  }

  private void health(HttpServerExchange exchange) throws JsonProcessingException {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this::health); // the counts wait on the event log: never on an IO thread
      return;
    }
    if (refusedMethod(exchange)) {
      return;
    }
    Status current = status.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", current.healthy() ? "up" : "degraded");
    body.put("state", current.state());
    body.put("connections", current.connections());
    body.put("rules", current.rules());
    body.put("events", current.events());
    body.put("schedules", current.schedules());
    exchange.setStatusCode(current.healthy() ? 200 : 503);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(JSON.writeValueAsString(body));
  }
}
