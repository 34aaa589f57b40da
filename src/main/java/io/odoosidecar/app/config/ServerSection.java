package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.ServerConfig;

/** The {@code server} section: the sidecar's own HTTP endpoint. */
final class ServerSection {
  static final String KEY = "server";

  private ServerSection() {}

  static ServerConfig read(ConfigNode root) {
    ConfigNode server = root.child(KEY);
    server.allowOnlyCatalogued();
    ServerConfig defaults = ServerConfig.DEFAULTS;
    return new ServerConfig(
        server.string("host").orElse(defaults.host()),
        server.integer("port", defaults.port(), 0, 65535),
        server.positiveDuration("read-timeout", defaults.readTimeout()),
        server.positiveDuration("idle-timeout", defaults.idleTimeout()));
  }
}
