package io.odoosidecar.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health} (the status in JSON, 503 when degraded), {@code GET /health/ready} (200 when
 * the sidecar can take changes in and act on them, 503 with the reason otherwise) and {@code GET
 * /health/live} (200 while the process answers).
 */
public final class HealthService implements HttpService {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<Status> status;
  private final Supplier<HttpServer.Readiness> readiness;

  public HealthService(Supplier<Status> status, Supplier<HttpServer.Readiness> readiness) {
    this.status = status;
    this.readiness = readiness;
  }

  @Override
  public void mount(Routes routes) {
    routes
        .exact("/health", this::health)
        .exact("/health/ready", this::ready)
        .exact("/health/live", this::live);
  }

  private void ready(HttpServerExchange exchange) throws JsonProcessingException {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this::ready); // the status may wait on the event log: never on an IO thread
      return;
    }
    if (refusedMethod(exchange)) {
      return;
    }
    HttpServer.Readiness current = readiness.get();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", current.ready() ? "ready" : "not ready");
    if (!current.ready()) {
      body.put("reason", current.reason());
    }
    send(exchange, current.ready() ? 200 : 503, JSON.writeValueAsString(body));
  }

  /**
   * The process answers: 200 whatever the store and the connections, for a supervisor's liveness
   * probe (a sidecar waiting for Odoo is alive; restarting it would not bring Odoo back).
   */
  private void live(HttpServerExchange exchange) {
    if (refusedMethod(exchange)) {
      return;
    }
    send(exchange, 200, "{\"status\":\"alive\"}");
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
    if (!current.instance().isEmpty()) {
      body.put("instance", current.instance());
    }
    send(exchange, current.healthy() ? 200 : 503, JSON.writeValueAsString(body));
  }

  private static void send(HttpServerExchange exchange, int code, String body) {
    exchange.setStatusCode(code);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(body);
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
}
