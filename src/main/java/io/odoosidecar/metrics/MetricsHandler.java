package io.odoosidecar.metrics;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: the registry's scrape in the Prometheus text format 0.0.4; any other method
 * is answered 405. The scrape runs on a worker thread, never on an IO thread: the gauges' suppliers
 * may wait on the store.
 */
public final class MetricsHandler implements HttpHandler {
  /** The content type of the Prometheus text format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(MetricsHandler.class);

  private final SidecarMetrics metrics;

  /** A handler answering {@code metrics}' scrape. */
  public MetricsHandler(SidecarMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this);
      return;
    }
    if (!exchange.getRequestMethod().equals(Methods.GET)) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET");
      answer(
          exchange,
          405,
          "method " + exchange.getRequestMethod() + " not allowed on the metrics: use GET\n");
      return;
    }
    String scrape;
    try {
      scrape = metrics.scrape();
    } catch (RuntimeException e) {
      LOG.warn("metrics scrape failed: {}", e.toString());
      answer(exchange, 500, "the metrics could not be gathered: " + e.getMessage() + "\n");
      return;
    }
    exchange.setStatusCode(200);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, CONTENT_TYPE);
    exchange.getResponseSender().send(scrape, StandardCharsets.UTF_8);
  }

  private static void answer(HttpServerExchange exchange, int status, String reason) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    exchange.getResponseSender().send(reason, StandardCharsets.UTF_8);
  }
}
