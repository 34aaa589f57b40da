package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.odoosidecar.console.ConsoleBrowser;
import io.odoosidecar.console.ConsoleScenario;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console of a whole running sidecar (the daemon over the Odoo double, bound to every interface
 * so that it asks for a login) in headless Chromium: a code action fails on a lead and leaves a
 * dead letter with Python's traceback; the cause is fixed in Odoo, the dead letter replayed from
 * the browser and its run seen done; a rule paused and resumed; a record explained.
 */
class ConsoleDaemonBrowserTest {
  static final Path FIXTURES =
      Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18");

  static final String FAILING = "Lead needs a description";
  static final String OTHER = "VIP lead";

  static final String RULES =
      "rules:\n"
          + "  - name: "
          + FAILING
          + "\n"
          + "    model: crm.lead\n"
          + "    trigger: on_create_or_write\n"
          + "    trigger_field_ids: [expected_revenue]\n"
          + "    actions:\n"
          + "      - state: code\n"
          + "        code: |\n"
          + "          for lead in records:\n"
          + "              if not lead.description:\n"
          + "                  raise ValueError('lead %s has no description' % lead.id)\n"
          + "              lead.write({'priority': '2'})\n"
          + "  - name: "
          + OTHER
          + "\n"
          + "    model: crm.lead\n"
          + "    trigger: on_create_or_write\n"
          + "    trigger_field_ids: [expected_revenue]\n"
          + "    filter_domain: \"[('expected_revenue', '>', 10000)]\"\n"
          + "    actions:\n"
          + "      - state: object_write\n"
          + "        update_path: tag_ids\n"
          + "        update_m2m_operation: add\n"
          + "        value: 1\n";

  @TempDir Path dir;
  MemoryOdoo odoo;
  TestSidecar sidecar;
  ConsoleBrowser browser;
  long lead;

  @BeforeAll
  static void chromium() {
    assumeTrue(
        ConsoleBrowser.available(),
        "browser tests skipped: no "
            + ConsoleBrowser.DRIVER
            + " (apt-get install chromium chromium-driver; scripts/test installs them)");
  }

  @BeforeEach
  void start() throws Exception {
    odoo = MemoryOdoo.fromFixtures(FIXTURES);
    administrators(odoo);
    lead = new ArrayList<>(odoo.records("crm.lead").keySet()).get(0);
    odoo.records("crm.lead").get(lead).put("description", false);
    odoo.records("crm.lead").get(lead).put("expected_revenue", 20000.0);
    sidecar =
        TestSidecar.start(
            dir, odoo, RULES, "pipeline:\n  retry:\n    max-attempts: 1\n", "0.0.0.0");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> sidecar.get("/health/ready").statusCode() == 200);
    sidecar.pushWrite(1, "crm.lead", List.of(lead), "expected_revenue", 5000.0);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> sidecar.get("/health").body().contains("\"dead\":1"));
    browser = new ConsoleBrowser(sidecar.url(), "admin", TestSidecar.ODOO_PASSWORD);
  }

  /** base.group_system is one of admin's groups, as Odoo's ir.model.data says. */
  static void administrators(MemoryOdoo odoo) {
    Map<String, Object> admin = odoo.records("res.users").get(2L);
    long group = ((Number) ((List<?>) admin.get("groups_id")).get(0)).longValue();
    odoo.define(
        "ir.model.data",
        Map.of("module", "char", "name", "char", "model", "char", "res_id", "integer"),
        List.of(
            Map.of(
                "id",
                1,
                "module",
                "base",
                "name",
                "group_system",
                "model",
                "res.groups",
                "res_id",
                group)));
  }

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (sidecar != null) {
      sidecar.close();
    }
  }

  @Test
  void theScenarioRunsOnTheRealDaemon() {
    new ConsoleScenario(
            FAILING,
            () -> odoo.records("crm.lead").get(lead).put("description", "<p>Called</p>"),
            OTHER,
            OTHER,
            lead,
            Duration.ofSeconds(60))
        .run(browser);

    assertThat(odoo.records("crm.lead").get(lead).get("priority"))
        .as("the replayed code action ran in the end")
        .isEqualTo("2");
    ConsoleBrowser.Verdict verdict = browser.explain(OTHER, lead);
    assertThat(verdict.fires()).isEqualTo("would fire");
    assertThat(verdict.comparedValues()).anyMatch(v -> v.contains("expected_revenue"));
  }

  @Test
  void aWrongPasswordIsRefusedAndNothingIsShown() {
    String refused = browser.loginRefused("admin", "not-the-password");
    assertThat(refused).contains("wrong login or password");
    assertThat(browser.driver().getPageSource())
        .doesNotContain(FAILING)
        .doesNotContain(TestSidecar.ODOO_PASSWORD)
        .doesNotContain(TestSidecar.SECRET);
  }
}
