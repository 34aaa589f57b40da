package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.rule.RuleRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon with sync configs: the watch list asks for what their deletions send. */
class DaemonSyncTest {
  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void watchList_asksForTheFieldsOfDeletedRecordsTheUnlinkSyncsSend_reloadedWithTheRules()
      throws Exception {
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        rules.resolve("sync.yaml"),
        "sync:\n  - name: gone\n    model: res.partner\n    on: [unlink]\n"
            + "    url: 'http://127.0.0.1:1/partners/{identifier}?c={country_id.code}'\n"
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
            + "      - {field: parent_id.name, key: parent}\n");
    SidecarConfig config = OfflineConfigs.of("127.0.0.1", dir.resolve("data"));
    RuleRegistry registry = new RuleRegistry(rules, Duration.ofMillis(50));
    Daemon daemon = new Daemon(config, Clock.systemUTC(), wait -> Thread.sleep(5), registry);
    daemon.start();
    try {
      Map<String, Object> models = (Map<String, Object>) daemon.watchList().get("models");
      Map<String, Object> partner = (Map<String, Object>) models.get("res.partner");
      assertThat((List<String>) partner.get("unlink_fields"))
          .containsExactlyInAnyOrder("ref", "parent_id", "country_id");
      assertThat(daemon.sync().log()).isNotNull();

      Files.writeString(
          rules.resolve("sync.yaml"),
          "sync:\n  - name: gone\n    model: res.partner\n    on: [write]\n"
              + "    url: 'http://127.0.0.1:1/partners/{ref}'\n"
              + "    mapping:\n      - {field: ref, key: id, identifier: true}\n");
      assertThat(registry.reload()).isTrue();
      Map<String, Object> reloaded = (Map<String, Object>) daemon.watchList().get("models");
      Map<String, Object> written = (Map<String, Object>) reloaded.get("res.partner");
      assertThat((List<String>) written.get("unlink_fields")).isEmpty();
    } finally {
      daemon.close();
    }
    assertThat(daemon.state()).isEqualTo(Daemon.State.STOPPED);
  }
}
