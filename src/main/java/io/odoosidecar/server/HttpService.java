package io.odoosidecar.server;

/**
 * One service of the sidecar's HTTP server (the RPC endpoint, the webhooks, health, metrics, the
 * console): it mounts its own routes.
 */
public interface HttpService {
  /** Adds this service's routes. */
  void mount(Routes routes);
}
