package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule files a careless or hostile hand wrote: a key given twice is refused, never last-wins. */
class RuleFilesHostileTest {
  @TempDir Path dir;

  @Test
  void loadFile_keyTwiceInARule_namesFileRuleKeyAndBothLines() throws IOException {
    Path file =
        write(
            "rules:\n"
                + "  - name: VIP\n"
                + "    model: crm.lead\n"
                + "    trigger: on_write\n"
                + "    filter_domain: \"[('priority', '=', '3')]\"\n"
                + "    active: true\n"
                + "    model: res.partner\n");
    assertThatThrownBy(() -> RuleFiles.loadFile(file))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessage(file + ": rule 'VIP': duplicate key 'model' at lines 3 and 7");
  }

  @Test
  void loadFile_keyTwiceInAnAction_namesTheActionToo() throws IOException {
    Path file =
        write(
            "rules:\n"
                + "  - name: first\n"
                + "    model: crm.lead\n"
                + "    trigger: on_write\n"
                + "  - name: second\n"
                + "    model: crm.lead\n"
                + "    trigger: on_write\n"
                + "    actions:\n"
                + "      - {state: object_write, update_path: priority, value: '1'}\n"
                + "      - state: code\n"
                + "        code: \"record.write({'priority': '2'})\"\n"
                + "        code: env['res.partner'].search([]).unlink()\n");
    assertThatThrownBy(() -> RuleFiles.loadFile(file))
        .hasMessage(file + ": rule 'second': actions[1]: duplicate key 'code' at lines 11 and 12");
  }

  @Test
  void loadFile_nameTwice_ruleNamedByPosition() throws IOException {
    Path file =
        write(
            "rules:\n  - {name: a, model: crm.lead, trigger: on_write}\n"
                + "  - {name: b, model: crm.lead, name: c, trigger: on_write}\n");
    assertThatThrownBy(() -> RuleFiles.loadFile(file))
        .hasMessageContaining(file + ": rule ")
        .hasMessageContaining("duplicate key 'name' at lines 3 and 3");
  }

  @Test
  void loadFile_topLevelKeyTwice_refused() throws IOException {
    Path file =
        write(
            "rules:\n  - {name: a, model: crm.lead, trigger: on_write}\n"
                + "rules:\n  - {name: b, model: crm.lead, trigger: on_write}\n");
    assertThatThrownBy(() -> RuleFiles.loadFile(file))
        .hasMessage(file + ": duplicate key 'rules' at lines 1 and 3");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("a.yaml"), yaml);
  }
}
