package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules checked against a live Odoo (crm and sale installed, as scripts/dev-odoo does). */
class RuleCheckIT {
  @TempDir Path dir;

  @Test
  void brokenRules_reportEachProblemWithFileRuleAndKey() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("bad.yaml"),
            "rules:\n"
                + "  - {name: no model, model: crm.leed, trigger: on_write}\n"
                + "  - name: broken\n    model: crm.lead\n    trigger: on_priority_set\n    trg_selection_field_id: \"9\"\n"
                + "    filter_pre_domain: \"[('partner_id.nosuch', '=', 1)]\"\n"
                + "    actions:\n      - {state: object_write, update_path: nonexistent, value: x}\n"
                + "      - {state: mail_post, template_id: sale.no_such_template}\n"
                + "  - {name: fine, model: crm.lead, trigger: on_write, filter_domain: \"[('user_id', '=', uid)]\"}\n");
    OdooSettings settings = LiveOdoo.settings();
    List<String> problems = new ArrayList<>();
    try (OdooClient odoo = OdooClients.create(settings)) {
      RuleCheck check = new RuleCheck(odoo);
      for (Rule rule : RuleFiles.loadFile(file)) {
        problems.addAll(check.check(file, rule));
      }
    }
    assertThat(problems)
        .containsExactlyInAnyOrder(
            file + ": rule 'no model': model: unknown model crm.leed",
            file
                + ": rule 'broken': trg_selection_field_id: '9' is not a value of crm.lead.priority (0, 1, 2, 3)",
            file
                + ": rule 'broken': filter_pre_domain: Invalid field res.partner.nosuch in leaf ('nosuch', '=', 1)",
            file + ": rule 'broken': actions[0].update_path: crm.lead has no field nonexistent",
            file
                + ": rule 'broken': actions[1].template_id: external id sale.no_such_template not found in Odoo");
  }
}
