package io.odoosidecar.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Undertow;
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
  private Undertow undertow;

  /** Whether the sidecar can take changes in now, and why not. */
  public record Readiness(boolean ready, String reason) {
    public static final Readiness READY = new Readiness(true, "");
  }

  public HttpServer(String host, int port, Supplier<Status> status) {
    this(host, port, status, () -> Readiness.READY, Map.of());
  }

  /** A server with more routes, always ready. */
  public HttpServer(
      String host,
      int port,
      Supplier<Status> status,
      Map<String, io.undertow.server.HttpHandler> routes) {
    this(host, port, status, () -> Readiness.READY, routes);
  }

  /**
   * A server with more routes: exact paths, or prefixes when they end with a slash.
   *
   * @param readiness what {@code /health/ready} answers
   */
  public HttpServer(
      String host,
      int port,
      Supplier<Status> status,
      Supplier<Readiness> readiness,
      Map<String, io.undertow.server.HttpHandler> routes) {
    this.host = host;
    this.port = port;
    this.status = status;
    this.readiness = readiness;
    this.routes = Map.copyOf(routes);
  }

  public void start() {
    PathHandler paths =
        new PathHandler()
            .addExactPath("/health", this::health)
            .addExactPath("/health/ready", this::ready);
    routes.forEach(
        (path, handler) -> {
          if (path.endsWith("/")) {
            paths.addPrefixPath(path, handler);
          } else {
            paths.addExactPath(path, handler);
          }
        });
    undertow = Undertow.builder().addHttpListener(port, host).setHandler(paths).build();
    undertow.start();
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
    exchange.setStatusCode(current.healthy() ? 200 : 503);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(JSON.writeValueAsString(body));
  }
}
