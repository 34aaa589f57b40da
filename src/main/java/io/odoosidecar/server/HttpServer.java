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

/** The sidecar's own HTTP server (Undertow): {@code GET /health} for now. */
public final class HttpServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String host;
  private final int port;
  private final Supplier<Status> status;
  private Undertow undertow;

  public HttpServer(String host, int port, Supplier<Status> status) {
    this.host = host;
    this.port = port;
    this.status = status;
  }

  public void start() {
    PathHandler paths = new PathHandler().addExactPath("/health", this::health);
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

  private void health(HttpServerExchange exchange) throws JsonProcessingException {
    if (!exchange.getRequestMethod().equals(Methods.GET)) {
      exchange.setStatusCode(405);
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET");
      exchange.endExchange();
      return;
    }
    Status current = status.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", current.healthy() ? "up" : "degraded");
    body.put("state", current.state());
    body.put("connections", current.connections());
    body.put("rules", current.rules());
    exchange.setStatusCode(current.healthy() ? 200 : 503);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(JSON.writeValueAsString(body));
  }
}
