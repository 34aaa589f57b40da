package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.action.ActionRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An action kind without an executor is refused when its rule file is loaded. */
class RuleFileKindsTest {
  @TempDir Path dir;

  static final String KNOWN = String.join(", ", ActionRegistry.standardNames());

  Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("rules.yaml"), yaml);
  }

  static String rule(String actions) {
    return "rules:\n  - name: Copy\n    model: crm.lead\n    trigger: on_write\n    actions:\n"
        + actions;
  }

  @Test
  void load_objectCopy_isRefusedNamingFileRuleKeyAndKnownKinds() throws IOException {
    Path file =
        write(
            rule(
                "      - {state: object_write, update_path: priority, value: '3'}\n"
                    + "      - {state: object_copy}\n"));

    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageStartingWith(file + ": rule 'Copy': actions[1].state: ")
        .hasMessageContaining("(" + KNOWN + ")")
        .hasMessageEndingWith("got object_copy");
  }

  @Test
  void load_aMultiChildOfAnUnknownKind_isRefusedWithTheChildsKey() throws IOException {
    Path file =
        write(
            rule(
                "      - state: multi\n"
                    + "        child_ids:\n"
                    + "          - {state: object_write, update_path: priority, value: '3'}\n"
                    + "          - {state: object_copy}\n"));

    assertThatThrownBy(() -> RuleFiles.loadFile(file))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageStartingWith(file + ": rule 'Copy': actions[0].child_ids[1].state: ")
        .hasMessageContaining(KNOWN)
        .hasMessageContaining("object_copy");
  }

  @Test
  void load_aMultiWithKnownChildren_keepsThem() throws IOException {
    Path file =
        write(
            rule(
                "      - state: multi\n"
                    + "        child_ids:\n"
                    + "          - {state: followers, partner_ids: [3]}\n"));

    List<Rule> rules = RuleFiles.loadFile(file);

    assertThat(rules).singleElement().satisfies(r -> assertThat(r.actions()).hasSize(1));
  }

  @Test
  void load_anExtraKind_loadsWhenTheLoaderIsToldOfIt() throws IOException {
    write(rule("      - {state: x_export}\n"));
    assertThatThrownBy(() -> RuleFiles.load(dir)).hasMessageContaining("got x_export");

    Set<String> kinds = new TreeSet<>(ActionRegistry.standardNames());
    kinds.add("x_export");
    assertThat(RuleFiles.load(dir, kinds))
        .singleElement()
        .satisfies(r -> assertThat(r.actions().get(0)).containsEntry("state", "x_export"));
  }

  @Test
  void firstUnknownKind_findsNestedChildren_emptyWhenAllKnown() {
    Set<String> kinds = ActionRegistry.standardNames();
    List<Object> actions =
        List.of(
            java.util.Map.of("state", "code"),
            java.util.Map.of(
                "state",
                "multi",
                "child_ids",
                List.of(java.util.Map.of("state", "sms"), java.util.Map.of("state", "teleport"))));

    assertThat(RuleFiles.firstUnknownKind(actions, kinds))
        .hasValueSatisfying(
            p -> assertThat(p).startsWith("actions[1].child_ids[1].state: ").endsWith("teleport"));
    assertThat(RuleFiles.firstUnknownKind(actions.subList(0, 1), kinds)).isEmpty();
  }
}
