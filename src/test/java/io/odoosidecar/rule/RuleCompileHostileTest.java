package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code, equations and dynamic domains that cannot run are refused when their file is loaded. */
class RuleCompileHostileTest {
  @TempDir Path dir;

  void write(String yaml) throws IOException {
    Files.writeString(dir.resolve("a.yaml"), "rules:\n" + yaml);
  }

  String rule(String action) {
    return "  - name: X\n"
        + "    model: crm.lead\n"
        + "    trigger: on_write\n"
        + "    actions:\n"
        + "      - {state: object_write, update_path: priority, value: '3'}\n"
        + action;
  }

  @Test
  void load_codeWithASyntaxError_isRefusedNamingFileRuleKeyAndLine() throws IOException {
    write(
        rule(
            "      - state: code\n        code: |\n          x = 1\n          y = 2\n          if x\n"));
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageStartingWith(dir.resolve("a.yaml") + ": rule 'X': actions[1].code: line 3: ");
  }

  @Test
  void load_codeThePythonCompilerCannotTake_isRefusedNamingTheKey() throws IOException {
    write(rule("      - state: code\n        code: \"x = 1\\0\"\n")); // a NUL byte
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageContaining("rule 'X': actions[1].code: ");
    write(rule("      - state: code\n        code: 'x = " + "-".repeat(100_000) + "1'\n"));
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageContaining("rule 'X': actions[1].code: ");
  }

  @Test
  void load_codeWithAForbiddenName_isRefused() throws IOException {
    write(
        rule(
            "      - state: code\n        code: |\n          x = 1\n          y = open('/etc/passwd')\n"));
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageContaining("rule 'X': actions[1].code: line 2: name 'open' is not allowed");
    write(rule("      - state: code\n        code: 'import os'\n"));
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("actions[1].code: line 1: import is not allowed");
    write(rule("      - state: code\n        code: 'x = (y for y in [1]).gi_frame'\n"));
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .hasMessageContaining("actions[1].code: line 1: access to gi_frame is not allowed");
  }

  @Test
  void load_anEquationThatDoesNotCompile_isRefused() throws IOException {
    write(
        rule(
            "      - {state: object_write, update_path: name, evaluation_type: equation,"
                + " value: 'record.name +'}\n"));
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageContaining("rule 'X': actions[1].value: line 1: ");
  }

  @Test
  void load_aDynamicDomainThatCannotEvaluate_isRefused() throws IOException {
    write(
        "  - {name: X, model: crm.lead, trigger: on_write,"
            + " filter_domain: \"[('user_id', '=', nobody.id)]\"}\n");
    assertThatThrownBy(() -> RuleFiles.load(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageContaining("rule 'X': filter_domain: cannot evaluate domain");
  }

  @Test
  void load_soundCodeEquationAndDynamicDomain_load() throws IOException {
    write(
        "  - name: X\n"
            + "    model: crm.lead\n"
            + "    trigger: on_write\n"
            + "    filter_domain: \"[('user_id', '=', uid), ('date_deadline', '<', context_today())]\"\n"
            + "    actions:\n"
            + "      - {state: object_write, update_path: name, evaluation_type: equation,"
            + " value: \"'{} {}'.format(record.name, 1)\"}\n"
            + "      - state: code\n"
            + "        code: |\n"
            + "          for rec in records:\n"
            + "              log(f'{rec.name}')\n");
    assertThat(RuleFiles.load(dir)).singleElement().extracting(Rule::name).isEqualTo("X");
  }
}
