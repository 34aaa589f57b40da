package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.pipeline.PushReceiver;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole daemon against a live Odoo: a change pushed to its RPC endpoint, or found by its
 * poller, fires a rule whose write lands in Odoo.
 */
class PipelineLiveIT {
  static final String RULES =
      """
      rules:
        - name: "VIP lead: raise priority"
          model: crm.lead
          trigger: on_create_or_write
          trigger_field_ids: [expected_revenue]
          filter_domain: "[('expected_revenue', '>', 10000)]"
          actions:
            - state: object_write
              update_path: priority
              value: "3"
      """;

  @TempDir Path dir;

  Daemon daemon(OdooSettings settings, boolean poll) throws Exception {
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rules.resolve("vip.yaml"), RULES);
    return LiveSidecar.start(
        settings,
        "live",
        dir,
        rules,
        0,
        new SidecarConfig.PushConfig(
            Optional.of(Secret.of("it-secret")),
            PushReceiver.Auth.SECRET,
            Duration.ofMinutes(5),
            1 << 20,
            1000,
            Optional.empty()),
        new SidecarConfig.PollConfig(
            poll, Duration.ofMillis(500), 200, Duration.ofMinutes(5), List.of()));
  }

  @Test
  void aPushedChangeFiresTheRuleAndItsWriteLandsInOdoo() throws Exception {
    OdooSettings settings = LiveOdoo.settings();
    try (OdooClient odoo = OdooClients.create(settings);
        Daemon daemon = daemon(settings, false)) {
      long lead =
          odoo.create(
              "crm.lead",
              Map.of("name", "sidecar IT push", "expected_revenue", 5000.0, "priority", "0"));
      odoo.write("crm.lead", List.of(lead), Map.of("expected_revenue", 25000.0));
      try (OdooClient sidecar =
          OdooClients.create(
              OdooSettings.of(
                      "sidecar",
                      URI.create("http://127.0.0.1:" + daemon.port()),
                      settings.database(),
                      "addon",
                      Secret.of("it-secret"),
                      null)
                  .withTransport(TransportKind.XMLRPC))) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", System.currentTimeMillis() / 1000); // an outbox id is an int4, as in Odoo
        event.put("model", "crm.lead");
        event.put("op", "write");
        event.put("ids", List.of(lead));
        event.put("fields", List.of("expected_revenue"));
        event.put("old", Map.of(Long.toString(lead), Map.of("expected_revenue", 5000.0)));
        Map<String, Object> batch = new LinkedHashMap<>();
        batch.put("nonce", UUID.randomUUID().toString());
        batch.put("sent_at", System.currentTimeMillis() / 1000.0);
        batch.put("events", List.of(event));
        Object answer = sidecar.executeKw("sidecar.event", "push", List.of(batch), Map.of());
        assertThat(answer)
            .isEqualTo(Map.of("accepted", 1L, "duplicates", 0L, "last_outbox_id", event.get("id")));
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  "3"
                      .equals(
                          odoo.read("crm.lead", List.of(lead), List.of("priority"))
                              .get(0)
                              .values()
                              .get("priority")));
      odoo.unlink("crm.lead", List.of(lead));
    }
  }

  @Test
  void aChangeFoundByThePollerFiresTheRule() throws Exception {
    OdooSettings settings = LiveOdoo.settings();
    try (OdooClient odoo = OdooClients.create(settings);
        Daemon daemon = daemon(settings, true)) {
      long lead =
          odoo.create(
              "crm.lead",
              Map.of("name", "sidecar IT poll", "expected_revenue", 5000.0, "priority", "0"));
      // the first pass only takes snapshots; wait for it to cover the new lead
      await().atMost(Duration.ofSeconds(30)).until(() -> daemon.polledOnce());
      odoo.write("crm.lead", List.of(lead), Map.of("expected_revenue", 30000.0));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  "3"
                      .equals(
                          odoo.read("crm.lead", List.of(lead), List.of("priority"))
                              .get(0)
                              .values()
                              .get("priority")));
      odoo.unlink("crm.lead", List.of(lead));
    }
  }
}
