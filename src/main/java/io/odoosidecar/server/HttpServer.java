package io.odoosidecar.server;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The sidecar's own HTTP server (Undertow): each of its services ({@link HealthService}, the RPC
 * endpoint, the webhooks, the metrics, the console) mounts its own routes.
 */
public final class HttpServer {
  private final String host;
  private final int port;
  private final java.util.List<HttpService> services;
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
   * A server with health and more routes: exact paths, or prefixes when they end with a slash.
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
    this(
        host,
        port,
        java.util.List.of(new HealthService(status, readiness), paths(routes)),
        timeouts);
  }

  /** A server of these services. */
  public HttpServer(
      String host, int port, java.util.List<HttpService> services, Timeouts timeouts) {
    this.host = host;
    this.port = port;
    this.services = java.util.List.copyOf(services);
    this.timeouts = timeouts;
  }

  /** A service of plain routes. */
  private static HttpService paths(Map<String, io.undertow.server.HttpHandler> routes) {
    Map<String, io.undertow.server.HttpHandler> copy = new LinkedHashMap<>(routes);
    return mounted -> copy.forEach(mounted::path);
  }

  public void start() {
    Routes routes = new Routes();
    services.forEach(service -> service.mount(routes));
    undertow =
        Undertow.builder()
            .addHttpListener(port, host)
            .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(timeouts.read()))
            .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, millis(timeouts.idle()))
            .setSocketOption(org.xnio.Options.WRITE_TIMEOUT, millis(timeouts.idle()))
            .setHandler(routes.handler())
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
}
