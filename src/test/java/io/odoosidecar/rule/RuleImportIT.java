package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.Command;
import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rule made in Odoo is imported as a rule file that loads back to the same rule. */
class RuleImportIT {
  @TempDir Path dir;

  @Test
  void ruleMadeInOdoo_importsToAFileThatLoadsBack() throws Exception {
    OdooSettings settings = LiveOdoo.settings();
    try (OdooClient odoo = OdooClients.create(settings)) {
      long leadModel = odoo.search("ir.model", List.of(List.of("model", "=", "crm.lead"))).get(0);
      long revenue =
          odoo.search(
                  "ir.model.fields",
                  List.of(
                      List.of("model", "=", "crm.lead"), List.of("name", "=", "expected_revenue")))
              .get(0);
      String name = "sidecar import " + UUID.randomUUID();
      Map<String, Object> write = new LinkedHashMap<>();
      write.put("name", "Set priority");
      write.put("model_id", leadModel);
      write.put("state", "object_write");
      write.put("update_path", "priority");
      write.put("value", "3");
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("name", name);
      rule.put("model_id", leadModel);
      rule.put("trigger", "on_create_or_write");
      rule.put("active", false); // kept out of Odoo's own automation while the test runs
      rule.put("trigger_field_ids", List.of(Command.set(List.of(revenue))));
      rule.put("filter_domain", "[('expected_revenue', '>', 10000)]");
      rule.put("action_server_ids", List.of(Command.create(write)));
      long id = odoo.create("base.automation", rule);
      try {
        Path file = Files.writeString(dir.resolve("imported.yaml"), new RuleImport(odoo).yaml());
        Rule imported =
            RuleFiles.loadFile(file).stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow();

        assertThat(imported.model()).isEqualTo("crm.lead");
        assertThat(imported.trigger()).isEqualTo(Trigger.ON_CREATE_OR_WRITE);
        assertThat(imported.active()).isFalse();
        assertThat(imported.triggerFields()).containsExactly("expected_revenue");
        assertThat(imported.filterDomain()).isEqualTo("[('expected_revenue', '>', 10000)]");
        assertThat(imported.actions()).hasSize(1);
        assertThat(imported.actions().get(0))
            .containsEntry("state", "object_write")
            .containsEntry("update_path", "priority")
            .containsEntry("value", "3");
        assertThat(imported.actions().get(0)).doesNotContainKey("code");
      } finally {
        odoo.unlink("base.automation", List.of(id));
      }
    }
  }
}
