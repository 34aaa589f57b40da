package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Configurations of a daemon whose one Odoo connection, {@code main}, is never reachable (port 1,
 * one quick try): for tests of what the daemon does on its own.
 */
final class OfflineConfigs {
  private OfflineConfigs() {}

  /** A daemon serving on {@code host} (any free port) with its store under {@code data}. */
  static SidecarConfig of(String host, Path data) {
    OdooSettings settings =
        OdooSettings.of(
                "main", URI.create("http://127.0.0.1:1"), "odoo", "u", Secret.of("pw"), null)
            .withTransport(TransportKind.JSONRPC)
            .withRetry(new RetryPolicy(1, Duration.ofMillis(20), Duration.ofMillis(40)));
    return new SidecarConfig(
        Path.of("test.yaml"),
        Map.of("main", settings),
        "main",
        new SidecarConfig.ServerConfig(host, 0),
        data);
  }
}
