package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Odoo's scheduled actions ticked "Run in sidecar" become schedules; the others stay in Odoo. */
class CronImportTest {
  MemoryOdoo odoo;
  final Map<String, String> cron = new LinkedHashMap<>();

  @BeforeEach
  void setUp() {
    odoo = MemoryOdoo.empty();
    cron.put("name", "char");
    cron.put("model_name", "char");
    cron.put("ir_actions_server_id", "many2one:ir.actions.server");
    cron.put("interval_number", "integer");
    cron.put("interval_type", "selection");
    cron.put("nextcall", "datetime");
    cron.put("user_id", "many2one:res.users");
    cron.put("active", "boolean");
    cron.put("sidecar_offload", "boolean");
    cron.put("sidecar_saved_active", "boolean");
    odoo.define("ir.cron", cron);
    odoo.define(
        "ir.actions.server",
        Map.of(
            "name", "char",
            "state", "selection",
            "code", "text",
            "update_path", "char",
            "value", "text",
            "child_ids", "many2many:ir.actions.server"));
    odoo.define("res.users", Map.of("name", "char", "tz", "char"));
    odoo.put("res.users", 2, Map.of("name", "Mitchell Admin", "tz", "Europe/Brussels"));
    odoo.put("res.users", 1, Map.of("name", "OdooBot", "tz", false));
  }

  void action(long id, String state, Map<String, Object> values) {
    Map<String, Object> action = new LinkedHashMap<>(values);
    action.put("name", "action " + id);
    action.put("state", state);
    action.putIfAbsent("child_ids", List.of());
    odoo.put("ir.actions.server", id, action);
  }

  /** A job ticked "Run in sidecar", so inactive in Odoo, meant to run. */
  Map<String, Object> job(long id, String name, long action, int every, String unit) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("name", name);
    job.put("model_name", "res.partner");
    job.put("ir_actions_server_id", List.of(action, "action " + action));
    job.put("interval_number", every);
    job.put("interval_type", unit);
    job.put("nextcall", "2026-12-01 13:00:00");
    job.put("user_id", List.of(2L, "Mitchell Admin"));
    job.put("active", false);
    job.put("sidecar_offload", true);
    job.put("sidecar_saved_active", true);
    odoo.put("ir.cron", id, job);
    return odoo.records("ir.cron").get(id);
  }

  List<Schedule> imported() {
    return new CronImport(odoo).offloaded("db1");
  }

  @Test
  void aCodeJob_isAScheduleEveryItsIntervalInItsUsersZone_fromItsNextCall() {
    action(5, "code", Map.of("code", "model.search([]).write({'comment': 'x'})"));
    job(7, "Nightly cleanup", 5, 1, "days");

    List<Schedule> schedules = imported();

    assertThat(schedules).hasSize(1);
    Schedule s = schedules.get(0);
    assertThat(s.name()).isEqualTo("ir.cron:7");
    assertThat(s.database()).isEqualTo("db1");
    assertThat(s.model()).isEqualTo("res.partner");
    assertThat(s.every()).isEqualTo(new Schedule.Every(1, Schedule.Unit.DAYS));
    assertThat(s.cron()).isNull();
    assertThat(s.timezone()).isEqualTo(ZoneId.of("Europe/Brussels"));
    assertThat(s.filterDomain()).isNull();
    assertThat(s.catchUp()).isEqualTo(Schedule.CatchUp.ONCE);
    assertThat(s.active()).isTrue();
    assertThat(s.source()).isEqualTo("odoo:ir.cron:7");
    assertThat(s.parameters())
        .containsExactly(
            Map.entry("cron_id", 7L),
            Map.entry("display_name", "Nightly cleanup"),
            Map.entry("nextcall", "2026-12-01T13:00:00Z"),
            Map.entry("user_id", 2L));
    assertThat(s.actions())
        .containsExactly(
            Map.of(
                "name",
                "action 5",
                "state",
                "code",
                "code",
                "model.search([]).write({'comment': 'x'})"));
  }

  @Test
  void anObjectWriteJob_carriesTheFieldAndValue() {
    action(5, "object_write", Map.of("update_path", "comment", "value", "checked"));
    job(8, "Mark", 5, 2, "hours");

    Schedule s = imported().get(0);

    assertThat(s.every()).isEqualTo(new Schedule.Every(2, Schedule.Unit.HOURS));
    assertThat(s.actions().get(0))
        .containsEntry("state", "object_write")
        .containsEntry("update_path", "comment")
        .containsEntry("value", "checked");
  }

  @Test
  void aMultiJob_nestsItsChildrenInOrder() {
    action(5, "code", Map.of("code", "log('one')"));
    action(6, "object_write", Map.of("update_path", "comment", "value", "two"));
    action(9, "multi", Map.of("child_ids", List.of(5L, 6L)));
    job(8, "Both", 9, 1, "weeks");

    Map<String, Object> multi = imported().get(0).actions().get(0);

    assertThat(multi).containsEntry("state", "multi");
    List<?> children = (List<?>) multi.get("child_ids");
    assertThat(children.stream().map(child -> (Object) ((Map<?, ?>) child).get("state")).toList())
        .containsExactly("code", "object_write");
  }

  @Test
  void aJobOfAKindWithoutExecutor_isLeftOutWithAWarningNamingItAndTheKind() {
    action(5, "code", Map.of("code", "log('kept')"));
    action(6, "object_copy", Map.of());
    action(7, "code", Map.of("code", "log('inside')"));
    action(9, "multi", Map.of("child_ids", List.of(7L, 6L)));
    job(10, "Kept", 5, 1, "days");
    job(11, "Copy", 6, 1, "days");
    job(12, "Nested copy", 9, 1, "days");

    List<String> warnings = warnings(this::imported);
    List<Schedule> schedules = imported();

    assertThat(schedules).extracting(Schedule::name).containsExactly("ir.cron:10");
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0))
        .contains("ir.cron 'Copy' (id 11)")
        .contains("actions[0].state")
        .contains("got object_copy");
    assertThat(warnings.get(1))
        .contains("ir.cron 'Nested copy' (id 12)")
        .contains("actions[0].child_ids[1].state")
        .contains("got object_copy");
  }

  @Test
  void anUnknownIntervalType_isLeftOutWithAWarning() {
    action(5, "code", Map.of("code", "log('x')"));
    job(10, "Yearly", 5, 1, "years");

    List<String> warnings = warnings(this::imported);

    assertThat(imported()).isEmpty();
    assertThat(warnings)
        .singleElement()
        .asString()
        .contains("ir.cron 'Yearly' (id 10)")
        .contains("unknown interval type 'years'");
  }

  @Test
  void tickedJobs_inactiveInOdoo_areImported_andTheirWishIsWhetherTheyRun() {
    action(5, "code", Map.of("code", "log('x')"));
    job(10, "Runs", 5, 1, "days");
    job(11, "Archived while ticked", 5, 1, "days").put("sidecar_saved_active", false);

    List<Schedule> schedules = imported();

    assertThat(schedules).extracting(Schedule::name).containsExactly("ir.cron:10", "ir.cron:11");
    assertThat(schedules).extracting(Schedule::active).containsExactly(true, false);
    assertThat(odoo.records("ir.cron").values())
        .extracting(r -> r.get("active"))
        .containsOnly(false);
  }

  @Test
  void anUntickedJob_staysInOdoo() {
    action(5, "code", Map.of("code", "log('x')"));
    job(10, "Ticked", 5, 1, "days");
    Map<String, Object> odoos = job(11, "Odoo's", 5, 1, "days");
    odoos.put("sidecar_offload", false);
    odoos.put("active", true);

    assertThat(imported()).extracting(Schedule::name).containsExactly("ir.cron:10");
  }

  @Test
  void everyIntervalTypeOfOdoo_isItsUnit() {
    action(5, "code", Map.of("code", "log('x')"));
    List<String> types = List.of("minutes", "hours", "days", "weeks", "months");
    for (int i = 0; i < types.size(); i++) {
      job(20 + i, types.get(i), 5, i + 1, types.get(i));
    }

    assertThat(imported())
        .extracting(Schedule::every)
        .containsExactly(
            new Schedule.Every(1, Schedule.Unit.MINUTES),
            new Schedule.Every(2, Schedule.Unit.HOURS),
            new Schedule.Every(3, Schedule.Unit.DAYS),
            new Schedule.Every(4, Schedule.Unit.WEEKS),
            new Schedule.Every(5, Schedule.Unit.MONTHS));
  }

  @Test
  void aUserWithoutTimeZone_countsInUtc_asOdoosScheduler() {
    action(5, "code", Map.of("code", "log('x')"));
    job(10, "Bot's", 5, 1, "months").put("user_id", List.of(1L, "OdooBot"));

    Schedule s = imported().get(0);

    assertThat(s.timezone()).isEqualTo(ZoneOffset.UTC);
    assertThat(s.parameters()).containsEntry("user_id", 1L);
  }

  @Test
  void odoo17sRepeatMissed_catchesUpEachMissedRun() {
    cron.put("doall", "boolean");
    odoo.define("ir.cron", cron);
    action(5, "code", Map.of("code", "log('x')"));
    Map<String, Object> each = job(10, "Each", 5, 1, "days");
    each.put("doall", true);
    job(11, "Once", 5, 1, "days").put("doall", false);

    assertThat(imported())
        .extracting(Schedule::catchUp)
        .containsExactly(Schedule.CatchUp.ALL, Schedule.CatchUp.ONCE);
  }

  @Test
  void aServerWithoutTheAddonsField_hasNoOffloadedJob() {
    odoo.define("ir.cron", Map.of("name", "char", "active", "boolean"));
    odoo.put("ir.cron", 1, Map.of("name", "Odoo's", "active", true));

    assertThat(imported()).isEmpty();
  }

  private static List<String> warnings(Supplier<?> call) {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger logger = (Logger) LoggerFactory.getLogger(CronImport.class);
    logger.addAppender(logged);
    try {
      call.get();
    } finally {
      logger.detachAppender(logged);
    }
    return logged.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }
}
