package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.action.ActionRegistry;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.pipeline.Processor;
import io.odoosidecar.script.CronProgress;
import io.odoosidecar.script.PythonEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A schedule's actions on the records of its filter, or on its model alone, on the memory Odoo. */
class ScheduledActionsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2030-01-10T08:00:00Z"), ZoneOffset.UTC);
  private static PythonEngine python;
  private MemoryOdoo odoo;

  @BeforeAll
  static void engine() {
    python = new PythonEngine(1, 1_000_000, Duration.ofSeconds(20));
  }

  @AfterAll
  static void closeEngine() {
    python.close();
  }

  @BeforeEach
  void odoo() {
    odoo = MemoryOdoo.empty();
    odoo.define("crm.lead", Map.of("name", "char", "priority", "char", "color", "integer"));
    odoo.put("crm.lead", 1, Map.of("name", "a", "priority", "3", "color", 0L));
    odoo.put("crm.lead", 2, Map.of("name", "b", "priority", "0", "color", 0L));
    odoo.put("crm.lead", 3, Map.of("name", "c", "priority", "3", "color", 0L));
  }

  private ScheduledActions actions() {
    return new ScheduledActions(db -> odoo, ActionRegistry.standard(), python, CLOCK, null);
  }

  private static Schedule schedule(String model, String filter, Map<String, Object> action) {
    return new Schedule(
        "nightly",
        null,
        model,
        new Schedule.Every(1, Schedule.Unit.DAYS),
        null,
        ZoneOffset.UTC,
        filter,
        List.of(action),
        Schedule.CatchUp.ONCE,
        true,
        "test.yaml",
        Map.of());
  }

  @Test
  void runsOnTheFilteredRecords_markedAsTheSchedulesWrites() {
    Schedule s =
        schedule(
            "crm.lead",
            "[('priority', '=', '3')]",
            Map.of("state", "object_write", "update_path", "color", "value", "5"));

    actions().run(s, CLOCK.instant(), CronProgress.NONE);

    assertThat(odoo.records("crm.lead").get(1L).get("color")).isEqualTo(5L);
    assertThat(odoo.records("crm.lead").get(2L).get("color")).isEqualTo(0L);
    assertThat(odoo.records("crm.lead").get(3L).get("color")).isEqualTo(5L);
    assertThat(odoo.writeContexts().get(0))
        .containsEntry(
            Processor.CONTEXT_KEY, Map.of("chain", List.of("schedule:nightly"), "depth", 1));
  }

  @Test
  void codeWithoutAModel_runsWithNoRecords_andReportsItsProgress() {
    Schedule s =
        schedule(
            null,
            null,
            Map.of(
                "state",
                "code",
                "code",
                "leads = env['crm.lead'].search([('color', '=', 0)], limit=2)\n"
                    + "leads.write({'color': len(records) + 9})\n"
                    + "left = len(env['crm.lead'].search([('color', '=', 0)]))\n"
                    + "env['ir.cron']._notify_progress(done=len(leads), remaining=left)\n"));
    List<long[]> reports = new ArrayList<>();

    actions()
        .run(
            s,
            CLOCK.instant(),
            (done, remaining, off) -> reports.add(new long[] {done, remaining}));

    assertThat(odoo.records("crm.lead").values())
        .filteredOn(r -> Long.valueOf(9).equals(r.get("color")))
        .hasSize(2);
    assertThat(reports).hasSize(1);
    assertThat(reports.get(0)).containsExactly(2, 1);
  }

  @Test
  void commitProgress_addsWhatIsProcessed_andAnswersTheTimeLeft() {
    Schedule s =
        schedule(
            null,
            null,
            Map.of(
                "state",
                "code",
                "code",
                "cron = env['ir.cron']\n"
                    + "cron._commit_progress(remaining=10)\n"
                    + "cron._commit_progress(3)\n"
                    + "left = cron._commit_progress(processed=4)\n"
                    + "if not (0 < left <= 20):\n"
                    + "    raise UserError('time left %r' % left)\n"));
    List<long[]> reports = new ArrayList<>();

    actions()
        .run(
            s,
            CLOCK.instant(),
            (done, remaining, off) -> reports.add(new long[] {done, remaining}));

    assertThat(reports).extracting(r -> r[0] + "/" + r[1]).containsExactly("0/10", "3/7", "7/3");
  }

  @Test
  void negativeCounts_failAsOdoosDo() {
    Schedule s =
        schedule(
            null,
            null,
            Map.of(
                "state",
                "code",
                "code",
                "env['ir.cron']._notify_progress(done=-1, remaining=0)\n"));
    assertThatThrownBy(() -> actions().run(s, CLOCK.instant(), CronProgress.NONE))
        .hasMessageContaining("action 0 (code)")
        .hasMessageContaining("must be a positive integer");
  }

  @Test
  void aFailingAction_failsTheRunWithItsReason() {
    Schedule s =
        schedule(
            "crm.lead",
            "[('priority', '=', '3')]",
            Map.of("state", "object_write", "update_path", "no_such_field", "value", "5"));
    assertThatThrownBy(() -> actions().run(s, CLOCK.instant(), CronProgress.NONE))
        .hasMessageContaining("action 0 (object_write)")
        .hasMessageContaining("no_such_field");
  }
}
