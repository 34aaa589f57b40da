package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An {@code api_sync} action must name a sync config of the rules folder, of its rule's model. */
class ApiSyncRuleFilesTest {
  @TempDir Path dir;

  static String config(String name, String model) {
    return "  - name: "
        + name
        + "\n    model: "
        + model
        + "\n    url: https://api.example.com/"
        + name
        + "\n    mapping:\n      - {field: ref, key: id, identifier: true}\n";
  }

  static String rule(String name, String model, String actions) {
    return "  - name: "
        + name
        + "\n    model: "
        + model
        + "\n    trigger: on_write\n    actions:\n"
        + actions;
  }

  Path write(String file, String yaml) throws IOException {
    return Files.writeString(dir.resolve(file), yaml);
  }

  @Test
  void load_apiSyncWithoutAConfig_isRefusedNamingFileRuleKeyAndTheKnownConfigs()
      throws IOException {
    Path file =
        write(
            "a.yaml",
            "sync:\n"
                + config("orders", "res.partner")
                + config("customers", "res.partner")
                + "rules:\n"
                + rule("Push", "res.partner", "      - {state: api_sync}\n"));

    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageStartingWith(file + ": rule 'Push': actions[0].sync_config: is required")
        .hasMessageContaining("known sync configs: customers, orders");
  }

  @Test
  void load_apiSyncNamingAnUnknownConfig_isRefusedListingTheKnownOnes() throws IOException {
    write("a.yaml", "sync:\n" + config("customers", "res.partner"));
    Path file =
        write(
            "b.yaml",
            "rules:\n"
                + rule(
                    "Push",
                    "res.partner",
                    "      - state: multi\n"
                        + "        child_ids:\n"
                        + "          - {state: api_sync, sync_config: custmers}\n"));

    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessage(
            file
                + ": rule 'Push': actions[0].child_ids[0].sync_config: no sync config"
                + " 'custmers'; known sync configs: customers");
  }

  @Test
  void load_apiSyncWhenTheFolderHasNoConfig_saysSo() throws IOException {
    write(
        "a.yaml",
        "rules:\n"
            + rule("Push", "res.partner", "      - {state: api_sync, sync_config: customers}\n"));

    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("no sync config 'customers'; the rules folder has no sync config");
  }

  @Test
  void load_apiSyncOfAConfigOfAnotherModel_isRefused() throws IOException {
    Path file =
        write(
            "a.yaml",
            "sync:\n"
                + config("customers", "res.partner")
                + "rules:\n"
                + rule("Push", "crm.lead", "      - {state: api_sync, sync_config: customers}\n"));

    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessage(
            file
                + ": rule 'Push': actions[0].sync_config: sync config 'customers' syncs"
                + " res.partner, the rule's model is crm.lead");
  }

  @Test
  void load_apiSyncNamingAConfigOfAnotherFile_loads() throws IOException {
    write(
        "a.yaml",
        "rules:\n"
            + rule("Push", "res.partner", "      - {state: api_sync, sync_config: customers}\n"));
    write("z.yaml", "sync:\n" + config("customers", "res.partner"));

    RuleFiles.Contents contents = RuleFiles.loadAll(dir);

    assertThat(contents.rules())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.actions().get(0))
                    .isEqualTo(Map.of("state", "api_sync", "sync_config", "customers")));
    assertThat(contents.syncConfigs())
        .extracting(io.odoosidecar.sync.SyncConfig::name)
        .containsExactly("customers");
  }

  @Test
  void reload_aBrokenApiSyncKeepsTheRunningSet() throws IOException {
    write("z.yaml", "sync:\n" + config("customers", "res.partner"));
    write(
        "a.yaml",
        "rules:\n"
            + rule("Push", "res.partner", "      - {state: api_sync, sync_config: customers}\n"));
    try (RuleRegistry registry = new RuleRegistry(dir, java.time.Duration.ofMillis(10))) {
      write("z.yaml", "sync:\n" + config("clients", "res.partner"));

      assertThat(registry.reload()).isFalse();
      assertThat(registry.snapshot().lastError())
          .contains("no sync config 'customers'; known sync configs: clients");
      assertThat(registry.rules()).hasSize(1);
      assertThat(registry.snapshot().syncConfig("customers")).isPresent();
    }
  }
}
