package io.odoosidecar.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleFiles;
import io.odoosidecar.rule.RuleRegistry;
import io.odoosidecar.rule.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncConfigHostileTest {
  @TempDir Path dir;

  private static final String HEAD =
      "sync:\n  - name: customers\n    model: res.partner\n"
          + "    url: https://api.example.com/customers/{ref}\n";
  private static final String MAPPING =
      "    mapping:\n      - {field: ref, key: id, identifier: true}\n";

  private void refused(String yaml, String message) throws Exception {
    Files.writeString(dir.resolve("partners.yaml"), yaml);
    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .isInstanceOf(io.odoosidecar.SidecarException.class)
        .hasMessage(dir.resolve("partners.yaml") + ": " + message);
  }

  @Test
  void load_unknownMappingType_namesFileConfigAndKey() throws Exception {
    refused(
        HEAD
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
            + "      - {field: name, key: name}\n      - {field: email, key: mail, type: xml}\n",
        "sync 'customers': mapping[2].type: unknown type 'xml'; known: plain, python, relational");
  }

  @Test
  void load_noIdentifierOrTwo_refused() throws Exception {
    refused(
        HEAD + "    mapping:\n      - {field: ref, key: id}\n",
        "sync 'customers': mapping: exactly one line must carry 'identifier: true' (the Record"
            + " Identifier), found 0");
    refused(
        HEAD
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
            + "      - {field: name, key: name, identifier: true}\n",
        "sync 'customers': mapping[1].identifier: exactly one line must carry 'identifier: true'"
            + " (the Record Identifier), found 2");
  }

  @Test
  void load_badKeys_eachNamed() throws Exception {
    refused(
        HEAD + MAPPING + "    colour: red\n",
        "sync 'customers': colour: unknown key; known"
            + " keys: "
            + SyncConfigs.known(SyncConfigs.KEYS));
    refused(
        HEAD + MAPPING + "    method: {write: GET}\n",
        "sync 'customers': method.write: unsupported method 'GET'; allowed: DELETE, PATCH, POST,"
            + " PUT");
    refused(
        HEAD + MAPPING + "    filter_domain: \"[('name', '=')]\"\n",
        "sync 'customers': filter_domain: " + RuleFiles.domainProblem("[('name', '=')]"));
    refused(
        HEAD + MAPPING + "    batch: 0\n",
        "sync 'customers': batch: must be a whole number from 1 to 10000, got 0");
    refused(
        HEAD + MAPPING + "    read-timeout: soon\n",
        "sync 'customers': read-timeout: must be a duration such as 500ms, 10s, 5m or 1h, got"
            + " 'soon'");
    refused(
        HEAD + MAPPING + "    on: [create, upsert]\n",
        "sync 'customers': on[1]: unknown operation; known: create, write, unlink");
    refused(
        HEAD
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
            + "      - {field: country_id, key: c, type: relational, as: name}\n",
        "sync 'customers': mapping[1].as: must be 'id' or 'field NAME' (a field of the related"
            + " record), got name");
    refused(
        HEAD
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
            + "      - {key: x, type: python, expression: 'import os'}\n",
        "sync 'customers': mapping[1].expression: "
            + io.odoosidecar.script.PythonCheck.problem("import os", true));
  }

  @Test
  void load_zeroHugeOrOverlongDurations_refusedNamingTheKey() throws Exception {
    refused(
        HEAD + MAPPING + "    connect-timeout: 0\n",
        "sync 'customers': connect-timeout: must be from 1ms to 24h, got '0'");
    refused(
        HEAD + MAPPING + "    read-timeout: 0s\n",
        "sync 'customers': read-timeout: must be from 1ms to 24h, got '0s'");
    refused(
        HEAD + MAPPING + "    read-timeout: 25h\n",
        "sync 'customers': read-timeout: must be from 1ms to 24h, got '25h'");
    refused(
        HEAD + MAPPING + "    connect-timeout: 99999999999999999999ms\n",
        "sync 'customers': connect-timeout: must be from 1ms to 24h, got"
            + " '99999999999999999999ms'");
    refused(
        HEAD + MAPPING + "    read-timeout: '99999999999999999999'\n",
        "sync 'customers': read-timeout: must be from 1ms to 24h, got '99999999999999999999'");
    refused(
        HEAD + MAPPING + "    retry: {initial: 0ms, max: 1s}\n",
        "sync 'customers': retry.initial: must be from 1ms to 24h, got '0ms'");
    refused(
        HEAD + MAPPING + "    retry: {initial: 1s, max: 9999999999h}\n",
        "sync 'customers': retry.max: must be from 1ms to 24h, got '9999999999h'");
    Files.writeString(
        dir.resolve("partners.yaml"),
        HEAD + MAPPING + "    read-timeout: 24h\n    connect-timeout: 1ms\n");
    SyncConfig config = RuleFiles.loadAll(dir).syncConfigs().get(0);
    assertThat(config.readTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void load_credentialInHeadersOrAuth_refusedWithoutShowingIt() throws Exception {
    refused(
        HEAD + MAPPING + "    headers: {Authorization: Bearer abc123}\n",
        "sync 'customers': headers.Authorization: carries a credential: give it with auth (bearer,"
            + " basic, api-key, ...), whose secrets come from -env or -file keys");
    Files.writeString(
        dir.resolve("partners.yaml"), HEAD + MAPPING + "    auth: {kind: bearer, token: abc123}\n");
    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .hasMessageStartingWith(dir.resolve("partners.yaml") + ": sync 'customers': auth")
        .hasMessageNotContaining("abc123");
  }

  @Test
  void load_unnamedConfig_namedByPosition() throws Exception {
    refused(
        "sync:\n  - model: res.partner\n    url: https://x.example/{ref}\n" + MAPPING,
        "sync #1: name: is required");
  }

  @Test
  void load_duplicateYamlKeyInSync_namesConfigAndKey() throws Exception {
    Files.writeString(
        dir.resolve("partners.yaml"),
        HEAD + "    mapping:\n      - field: ref\n        key: id\n        key: other\n");
    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .hasMessage(
            dir.resolve("partners.yaml")
                + ": sync 'customers': mapping[0]: duplicate key 'key' at lines 7 and 8");
  }

  @Test
  void load_sameNameInTwoFiles_refused() throws Exception {
    Files.writeString(dir.resolve("a.yaml"), HEAD + MAPPING);
    Files.writeString(dir.resolve("b.yaml"), HEAD + MAPPING);
    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .hasMessage(
            dir.resolve("b.yaml")
                + ": sync 'customers': name: already used by a sync config of "
                + dir.resolve("a.yaml"));
  }

  @Test
  void load_rulesAndSyncInOneFile_defaultsAndSynthesizedRules() throws Exception {
    Files.writeString(
        dir.resolve("partners.yaml"),
        "rules:\n  - name: tag\n    model: res.partner\n    trigger: on_create\n"
            + HEAD
            + MAPPING
            + "    filter_domain: \"[('customer_rank', '>', 0)]\"\n"
            + "    on: [create, write, unlink]\n    trigger_field_ids: [name, email]\n");
    RuleFiles.Contents contents = RuleFiles.loadAll(dir);

    SyncConfig config = contents.syncConfigs().get(0);
    assertThat(config.method("create")).isEqualTo("POST");
    assertThat(config.method("write")).isEqualTo("PUT");
    assertThat(config.method("unlink")).isEqualTo("DELETE");
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.batch()).isEqualTo(1);
    assertThat(config.concurrency()).isEqualTo(4);
    assertThat(config.retry().attempts()).isEqualTo(5);
    assertThat(config.retry().max()).isEqualTo(Duration.ofSeconds(60));
    assertThat(config.identifier().field()).isEqualTo("ref");

    List<Rule> rules = contents.rules();
    assertThat(rules).extracting(Rule::name).contains("tag");
    Rule onChange =
        rules.stream().filter(r -> r.trigger() == Trigger.ON_CREATE_OR_WRITE).findFirst().get();
    assertThat(onChange.model()).isEqualTo("res.partner");
    assertThat(onChange.triggerFields()).containsExactly("name", "email");
    assertThat(onChange.filterDomain()).isEqualTo("[('customer_rank', '>', 0)]");
    assertThat(onChange.actions())
        .containsExactly(Map.of("state", "api_sync", "sync_config", "customers"));
    assertThat(rules).anyMatch(r -> r.trigger() == Trigger.ON_UNLINK);
    // what the files say, for the checks against Odoo: the synthesized rules are not there
    assertThat(RuleFiles.loadBySource(dir).get(dir.resolve("partners.yaml")))
        .extracting(Rule::name)
        .containsExactly("tag");
  }

  @Test
  void registry_snapshot_holdsRulesAndSyncConfigsTogether() throws Exception {
    Files.writeString(dir.resolve("partners.yaml"), HEAD + MAPPING + "    on: [write]\n");
    try (RuleRegistry registry = new RuleRegistry(dir, Duration.ofMillis(10))) {
      assertThat(registry.snapshot().syncConfig("customers")).isPresent();
      assertThat(registry.rules())
          .singleElement()
          .extracting(Rule::trigger)
          .isEqualTo(Trigger.ON_WRITE);
      Files.writeString(dir.resolve("partners.yaml"), HEAD + "    mapping: []\n");
      assertThat(registry.reload()).isFalse();
      assertThat(registry.snapshot().syncConfig("customers")).isPresent();
      assertThat(registry.snapshot().lastError()).contains("sync 'customers': mapping:");
    }
  }
}
