package io.odoosidecar.server;

import io.undertow.server.HttpHandler;
import java.util.Map;

/** The sidecar's HTTP server for tests: on a free loopback port, started, always up. */
public final class TestServers {
  private TestServers() {}

  /** A started server with these routes and the default time-outs. */
  public static HttpServer started(Map<String, HttpHandler> routes) {
    return started(routes, HttpServer.Timeouts.DEFAULT);
  }

  /** A started server with these routes and time-outs. */
  public static HttpServer started(Map<String, HttpHandler> routes, HttpServer.Timeouts timeouts) {
    HttpServer server =
        new HttpServer(
            "127.0.0.1",
            0,
            () -> new Status("running", true, Map.of(), Map.of(), Map.of()),
            routes,
            timeouts);
    server.start();
    return server;
  }

  /** The RPC endpoint's routes, as the daemon mounts them. */
  public static Map<String, HttpHandler> rpcRoutes(RpcEndpoint endpoint) {
    return Map.of(
        "/xmlrpc/2/common", endpoint.xmlrpc("common"),
        "/xmlrpc/2/object", endpoint.xmlrpc("object"),
        "/jsonrpc", endpoint.jsonrpc());
  }
}
