package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleRegistryTest {
  @TempDir Path dir;

  @Test
  void onlyAChangeOfARuleFilesContentReloads() throws Exception {
    String one = "rules:\n  - {name: one, model: crm.lead, trigger: on_write}\n";
    Files.writeString(dir.resolve("a.yaml"), one);
    try (RuleRegistry registry = new RuleRegistry(dir, Duration.ofMillis(100))) {
      registry.watch();
      // a log kept beside the rule files, written all along, and a save that changes nothing
      for (int i = 0; i < 20; i++) {
        Files.writeString(
            dir.resolve("sidecar.log"),
            "line " + i + "\n",
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      }
      Files.writeString(dir.resolve("a.yaml"), one);
      await()
          .during(Duration.ofMillis(1500))
          .atMost(Duration.ofSeconds(5))
          .until(() -> registry.reloads() == 0);

      Files.writeString(
          dir.resolve("a.yaml"), one + "  - {name: two, model: crm.lead, trigger: on_create}\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> registry.rules().size() == 2);
      assertThat(registry.reloads()).isEqualTo(1);
    }
  }

  @Test
  void changes_areReloaded_butABrokenFileKeepsTheRunningSet() throws Exception {
    Files.writeString(
        dir.resolve("a.yaml"), "rules:\n  - {name: one, model: crm.lead, trigger: on_write}\n");
    try (RuleRegistry registry = new RuleRegistry(dir, Duration.ofMillis(100))) {
      registry.watch();
      assertThat(registry.rules()).extracting(Rule::name).containsExactly("one");

      Files.writeString(
          dir.resolve("b.yaml"), "rules:\n  - {name: two, model: crm.lead, trigger: on_create}\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> registry.rules().size() == 2);

      Files.writeString(
          dir.resolve("b.yaml"),
          "rules:\n  - {name: two, model: crm.lead, trigger: on_teleport}\n");
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !registry.snapshot().lastError().isEmpty());
      assertThat(registry.rules()).extracting(Rule::name).containsExactly("one", "two");
      assertThat(registry.snapshot().lastError())
          .contains("b.yaml")
          .contains("rule 'two'")
          .contains("trigger");

      Files.writeString(
          dir.resolve("b.yaml"),
          "rules:\n  - {name: three, model: crm.lead, trigger: on_create}\n");
      await().atMost(Duration.ofSeconds(20)).until(() -> registry.snapshot().lastError().isEmpty());
      assertThat(registry.rules()).extracting(Rule::name).containsExactly("one", "three");
    }
  }

  @Test
  void brokenAtStart_isFatal_withFileRuleAndKey() throws Exception {
    Files.writeString(
        dir.resolve("a.yaml"),
        "rules:\n  - {name: one, model: crm.lead, trigger: on_write, colour: red}\n");
    assertThatThrownBy(() -> new RuleRegistry(dir, Duration.ofMillis(100)))
        .hasMessageContaining("rule 'one': colour: unknown key");
  }
}
