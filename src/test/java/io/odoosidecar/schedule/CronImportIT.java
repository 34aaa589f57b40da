package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooRecord;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A scheduled action ticked "Run in sidecar" over RPC is inactive in Odoo and imported as a
 * schedule; unticked, it is Odoo's and active again. Needs the companion addon on the live Odoo.
 */
class CronImportIT {

  @Test
  void tickedJob_isInactiveInOdooAndImported_untickedItIsActiveAgain() {
    try (OdooClient odoo = OdooClients.create(LiveOdoo.settings())) {
      OdooClient all = odoo.withContext(Map.of("active_test", false));
      long partnerModel =
          odoo.search("ir.model", List.of(List.of("model", "=", "res.partner"))).get(0);
      long uid = odoo.authenticate();
      String name = "sidecar cron " + UUID.randomUUID();
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("name", name);
      job.put("model_id", partnerModel);
      job.put("state", "code");
      job.put("code", "model.browse()");
      job.put("interval_number", 3);
      job.put("interval_type", "hours");
      job.put("nextcall", "2030-01-01 06:00:00"); // not due while the test runs, were it Odoo's
      job.put("user_id", uid);
      long id = odoo.create("ir.cron", job);
      try {
        odoo.write("ir.cron", List.of(id), Map.of("sidecar_offload", true));
        assertThat(state(all, id).bool("active")).isFalse();

        Schedule imported =
            new CronImport(odoo)
                .offloaded(odoo.database()).stream()
                    .filter(s -> s.name().equals("ir.cron:" + id))
                    .findFirst()
                    .orElseThrow();
        assertThat(imported.source()).isEqualTo("odoo:ir.cron:" + id);
        assertThat(imported.model()).isEqualTo("res.partner");
        assertThat(imported.every()).isEqualTo(new Schedule.Every(3, Schedule.Unit.HOURS));
        assertThat(imported.active()).isTrue();
        assertThat(imported.timezone()).isEqualTo(zoneOf(odoo, uid));
        assertThat(imported.parameters())
            .containsEntry("cron_id", id)
            .containsEntry("display_name", name)
            .containsEntry("nextcall", "2030-01-01T06:00:00Z")
            .containsEntry("user_id", uid);
        assertThat(imported.actions()).hasSize(1);
        assertThat(imported.actions().get(0))
            .containsEntry("state", "code")
            .containsEntry("code", "model.browse()");

        odoo.write("ir.cron", List.of(id), Map.of("sidecar_offload", false));
        assertThat(state(all, id).bool("active")).isTrue();
        assertThat(new CronImport(odoo).offloaded(odoo.database()))
            .extracting(Schedule::name)
            .doesNotContain("ir.cron:" + id);
      } finally {
        odoo.unlink("ir.cron", List.of(id));
      }
    }
  }

  private static OdooRecord state(OdooClient odoo, long id) {
    return odoo.read("ir.cron", List.of(id), List.of("active", "sidecar_offload")).get(0);
  }

  private static ZoneId zoneOf(OdooClient odoo, long uid) {
    return odoo.read("res.users", List.of(uid), List.of("tz"))
        .get(0)
        .string("tz")
        .filter(tz -> !tz.isBlank())
        .<ZoneId>map(ZoneId::of)
        .orElse(ZoneOffset.UTC);
  }
}
