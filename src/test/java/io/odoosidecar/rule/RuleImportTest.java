package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.odoosidecar.action.ActionRegistry;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Rules imported from Odoo whose action kind has no executor are left out, not the whole set. */
class RuleImportTest {
  @TempDir Path dir;
  MemoryOdoo odoo;

  @BeforeEach
  void setUp() {
    odoo =
        MemoryOdoo.fromFixtures(
            Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18"));
    odoo.define(
        "base.automation",
        Map.of(
            "name", "char",
            "model_name", "char",
            "active", "boolean",
            "trigger", "char",
            "sidecar_offload", "boolean",
            "action_server_ids", "many2many:ir.actions.server"));
    odoo.define(
        "ir.actions.server",
        Map.of(
            "name", "char",
            "state", "char",
            "update_path", "char",
            "value", "char",
            "child_ids", "many2many:ir.actions.server"));
    action(1, "raise", "object_write", List.of());
    action(2, "copy", "object_copy", List.of());
    action(3, "both", "multi", List.of(1L, 2L));
    automation(10, "Raise", List.of(1L));
    automation(11, "Copy", List.of(2L));
    automation(12, "Nested copy", List.of(3L));
  }

  void action(long id, String name, String state, List<Long> children) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("id", id);
    values.put("name", name);
    values.put("state", state);
    values.put("update_path", "priority");
    values.put("value", "3");
    values.put("child_ids", children);
    odoo.records("ir.actions.server").put(id, values);
  }

  void automation(long id, String name, List<Long> actions) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("id", id);
    values.put("name", name);
    values.put("model_name", "crm.lead");
    values.put("active", true);
    values.put("trigger", "on_write");
    values.put("sidecar_offload", true);
    values.put("action_server_ids", actions);
    odoo.records("base.automation").put(id, values);
  }

  @Test
  void offloaded_leavesOutTheRulesOfUnknownKinds_withAWarningNamingThemAndTheKnownKinds()
      throws IOException {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger logger = (Logger) LoggerFactory.getLogger(RuleImport.class);
    logger.addAppender(logged);
    RuleImport.RuleFile file;
    try {
      file = new RuleImport(odoo).offloaded();
    } finally {
      logger.detachAppender(logged);
    }

    Path written = Files.writeString(dir.resolve("offloaded.yaml"), file.yaml());
    assertThat(RuleFiles.loadFile(written)).extracting(Rule::name).containsExactly("Raise");
    assertThat(file.leftOut())
        .containsExactly(
            "rule 'Copy': actions[0].state: "
                + RuleFiles.unknownKind("object_copy", ActionRegistry.standardNames()),
            "rule 'Nested copy': actions[0].child_ids[1].state: "
                + RuleFiles.unknownKind("object_copy", ActionRegistry.standardNames()));
    List<String> warnings =
        logged.list.stream()
            .filter(e -> e.getLevel() == Level.WARN)
            .map(ILoggingEvent::getFormattedMessage)
            .toList();
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0))
        .contains("rule 'Copy'")
        .contains(String.join(", ", ActionRegistry.standardNames()));
  }

  @Test
  void file_writesTheRulesOfUnknownKindsCommentedOut_andTheFileLoads() throws IOException {
    RuleImport.RuleFile file = new RuleImport(odoo).file();

    Path written = Files.writeString(dir.resolve("imported.yaml"), file.yaml());
    assertThat(RuleFiles.loadFile(written)).extracting(Rule::name).containsExactly("Raise");
    assertThat(file.leftOut()).hasSize(2);
    assertThat(file.yaml())
        .contains("# Left out, as the sidecar cannot run it: rule 'Copy': actions[0].state:")
        .contains("# - name: Copy")
        .contains("#     state: object_copy");
  }

  @Test
  void offloaded_anExtraKindTheRegistryKnows_isKept() {
    java.util.Set<String> kinds = new java.util.TreeSet<>(ActionRegistry.standardNames());
    kinds.add("object_copy");

    RuleImport.RuleFile file = new RuleImport(odoo, kinds).offloaded();

    assertThat(file.leftOut()).isEmpty();
    assertThat(file.yaml()).contains("name: Copy").contains("name: Nested copy");
  }
}
