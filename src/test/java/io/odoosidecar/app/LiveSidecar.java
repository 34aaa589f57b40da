package io.odoosidecar.app;

import static org.awaitility.Awaitility.await;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.pipeline.PushReceiver;
import io.odoosidecar.rule.RuleRegistry;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A sidecar daemon started against a live Odoo with the sidecar_bridge addon, as an admin would run
 * it: its rules directory, a push secret and its public URL; started once the addon has its
 * registration (URL and a watch list naming the expected model) and its workers have read it.
 */
public final class LiveSidecar {
  /** The addon's workers read the watch list again after at most this long (WATCH_TTL). */
  public static final Duration WATCH_TTL = Duration.ofSeconds(6);

  private LiveSidecar() {}

  /** A free local port for the sidecar's HTTP server. */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * Starts a daemon on {@code port} with {@code rulesYaml} as its only rule file (empty for none)
   * and waits until the addon on {@code odoo} watches {@code watchedModel} for it.
   */
  public static Daemon start(
      OdooSettings settings,
      OdooClient odoo,
      Path dir,
      String rulesYaml,
      int port,
      String watchedModel)
      throws IOException, InterruptedException {
    Path rules = Files.createDirectories(dir.resolve("rules"));
    if (!rulesYaml.isEmpty()) {
      Files.writeString(rules.resolve("it.yaml"), rulesYaml);
    }
    Daemon daemon =
        start(
            settings,
            "it",
            dir,
            rules,
            port,
            new SidecarConfig.PushConfig(
                Optional.of(Secret.of("it-e2e")),
                PushReceiver.Auth.SECRET,
                Duration.ofMinutes(5),
                1 << 24,
                10_000,
                Optional.of(url(port))),
            new SidecarConfig.PollConfig(
                false, Duration.ofSeconds(10), 500, Duration.ofMinutes(5), List.of()));
    await().atMost(Duration.ofSeconds(30)).until(() -> registered(odoo, url(port), watchedModel));
    Thread.sleep(WATCH_TTL.toMillis());
    return daemon;
  }

  /**
   * Starts a daemon with one connection named {@code connection}, the rules of {@code rules}, and
   * the given push and poll settings (the rest as the configuration's defaults).
   */
  static Daemon start(
      OdooSettings settings,
      String connection,
      Path dir,
      Path rules,
      int port,
      SidecarConfig.PushConfig push,
      SidecarConfig.PollConfig poll) {
    SidecarConfig defaults =
        new SidecarConfig(
            dir.resolve("sidecar.yaml"),
            Map.of(connection, settings),
            connection,
            new SidecarConfig.ServerConfig("127.0.0.1", port),
            dir.resolve("data"));
    Daemon daemon =
        new Daemon(
            new SidecarConfig(
                defaults.file(),
                defaults.connections(),
                connection,
                defaults.server(),
                defaults.dataDir(),
                defaults.eventLog(),
                push,
                defaults.pipeline(),
                poll,
                defaults.python()),
            Clock.systemUTC(),
            RetryPolicy.Sleeper.system(),
            new RuleRegistry(rules, Duration.ofMillis(100)));
    daemon.start();
    return daemon;
  }

  static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  /** Whether the addon's parameters name this sidecar and a watch list holding the model. */
  public static boolean registered(OdooClient odoo, String url, String watchedModel) {
    Map<String, Object> values = new HashMap<>();
    for (OdooRecord row :
        odoo.searchRead(
            "ir.config_parameter",
            List.of(List.of("key", "in", List.of("sidecar_bridge.url", "sidecar_bridge.watch"))),
            List.of("key", "value"),
            SearchOptions.ALL)) {
      values.put(String.valueOf(row.values().get("key")), row.values().get("value"));
    }
    return url.equals(values.get("sidecar_bridge.url"))
        && String.valueOf(values.get("sidecar_bridge.watch")).contains("\"" + watchedModel + "\"");
  }
}
