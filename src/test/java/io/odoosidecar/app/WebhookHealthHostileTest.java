package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.rule.RuleRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A running daemon's unauthenticated {@code /health} counts the webhooks and never lists them. */
class WebhookHealthHostileTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void health_countsTheWebhooks_withoutTheirUuids() throws Exception {
    Path data = dir.resolve("data");
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        rules.resolve("hooks.yaml"),
        "rules:\n  - name: Lead hook\n    model: crm.lead\n    trigger: on_webhook\n"
            + "    actions:\n      - state: object_write\n        update_path: priority\n"
            + "        value: \"3\"\n");
    Path yaml = dir.resolve("sidecar.yaml");
    Files.writeString(
        yaml,
        "server:\n  port: 0\ndata-dir: " + data.toAbsolutePath() + "\npoll:\n  enabled: false\n");
    SidecarConfig config =
        SidecarConfig.load(
            yaml,
            Map.of(
                "ODOO_URL", "http://127.0.0.1:1",
                "ODOO_DB", "odoo",
                "ODOO_USER", "admin",
                "ODOO_PASSWORD", "pw"));
    Daemon daemon =
        new Daemon(
            config,
            Clock.systemUTC(),
            wait -> Thread.sleep(20),
            new RuleRegistry(rules, Duration.ofMillis(300)),
            status -> {});
    daemon.start();
    try {
      String health = get(daemon, "/health").body();
      assertThat(health).contains("\"webhooks\":1").doesNotContain("/web/hook/");
      String uuid = keptUuid(data);
      assertThat(health).doesNotContain(uuid);
      assertThat(get(daemon, "/web/hook/" + uuid).statusCode())
          .as("the kept uuid is the one served")
          .isNotEqualTo(404);
    } finally {
      daemon.close();
    }
  }

  /** The uuid the daemon made and kept for the rule, read from its event log. */
  private static String keptUuid(Path data) throws Exception {
    String url =
        "jdbc:h2:file:"
            + data.toAbsolutePath().resolve("events")
            + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT uuid FROM sidecar_webhook_uuid")) {
      assertThat(rows.next()).as("a uuid was made at start").isTrue();
      return rows.getString(1);
    }
  }

  private static HttpResponse<String> get(Daemon daemon, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
