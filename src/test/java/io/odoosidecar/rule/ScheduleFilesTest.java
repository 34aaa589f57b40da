package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.schedule.Schedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code schedules:} list of rule files: read, defaulted, refused with file, entry and key. */
class ScheduleFilesTest {
  @TempDir Path dir;

  @Test
  void loadAll_readsEverySchedule_besideRules() throws IOException {
    write(
        "a.yaml",
        "rules:\n  - {name: r, model: crm.lead, trigger: on_write}\n"
            + "schedules:\n"
            + "  - name: nightly\n"
            + "    model: crm.lead\n"
            + "    interval_number: 2\n"
            + "    interval_type: hours\n"
            + "    timezone: Europe/Brussels\n"
            + "    filter_domain: [['priority', '=', '3']]\n"
            + "    catch_up: all\n"
            + "    database: other\n"
            + "    actions:\n"
            + "      - {state: object_write, update_path: priority, value: '1'}\n");
    write(
        "b.yaml",
        "schedules:\n"
            + "  - name: weekly\n"
            + "    cron: '0 6 * * 1'\n"
            + "    active: false\n"
            + "    actions: [{state: code, code: 'x = 1'}]\n");

    RuleFiles.Contents contents = RuleFiles.loadAll(dir);

    assertThat(contents.rules()).extracting(Rule::name).containsExactly("r");
    assertThat(contents.schedules())
        .extracting(Schedule::name)
        .containsExactly("nightly", "weekly");
    Schedule nightly = contents.schedules().get(0);
    assertThat(nightly.every()).isEqualTo(new Schedule.Every(2, Schedule.Unit.HOURS));
    assertThat(nightly.cron()).isNull();
    assertThat(nightly.timezone()).isEqualTo(ZoneId.of("Europe/Brussels"));
    assertThat(nightly.filterDomain()).contains("priority");
    assertThat(nightly.catchUp()).isEqualTo(Schedule.CatchUp.ALL);
    assertThat(nightly.database()).isEqualTo("other");
    assertThat(nightly.active()).isTrue();
    assertThat(nightly.source()).isEqualTo(dir.resolve("a.yaml").toString());
    Schedule weekly = contents.schedules().get(1);
    assertThat(weekly.cron()).isEqualTo("0 6 * * 1");
    assertThat(weekly.model()).isNull();
    assertThat(weekly.timezone()).isEqualTo(ZoneOffset.UTC);
    assertThat(weekly.catchUp()).isEqualTo(Schedule.CatchUp.ONCE);
    assertThat(weekly.active()).isFalse();
  }

  @Test
  void registry_snapshotCarriesSchedules_andReloadReplacesThem() throws IOException {
    write("a.yaml", schedule("first"));
    try (RuleRegistry registry = new RuleRegistry(dir, Duration.ofMillis(10))) {
      assertThat(registry.snapshot().schedules())
          .extracting(Schedule::name)
          .containsExactly("first");
      write("a.yaml", schedule("second"));
      assertThat(registry.reload()).isTrue();
      assertThat(registry.snapshot().schedules())
          .extracting(Schedule::name)
          .containsExactly("second");
      write("a.yaml", "schedules:\n  - {name: broken, cron: '* * *', actions: []}\n");
      assertThat(registry.reload()).isFalse();
      assertThat(registry.snapshot().schedules())
          .extracting(Schedule::name)
          .containsExactly("second");
      assertThat(registry.snapshot().lastError()).contains("schedule 'broken'");
    }
  }

  @Test
  void nameTwiceAcrossFiles_refusedNamingBoth() throws IOException {
    write("a.yaml", schedule("same"));
    Path b = write("b.yaml", schedule("same"));
    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .hasMessage(
            b + ": schedule 'same': name: already used by a schedule of " + dir.resolve("a.yaml"));
  }

  @Test
  void problems_nameFileEntryAndKey() throws IOException {
    String every = "interval_number: 1, interval_type: days";
    String act = "actions: [{state: code, code: 'x = 1'}]";
    refused("{name: s, " + act + "}", "'s': interval_number: give either");
    refused("{name: s, " + every + ", cron: '0 1 * * *', " + act + "}", "'s': cron: give either");
    refused("{name: s, interval_number: 1, " + act + "}", "'s': interval_type: is required");
    refused(
        "{name: s, interval_number: 0, interval_type: days, " + act + "}",
        "'s': interval_number: must be a whole number of at least 1");
    refused(
        "{name: s, interval_number: 1, interval_type: years, " + act + "}",
        "'s': interval_type: unknown interval type 'years' (known: minutes");
    refused("{name: s, cron: '0 1 * *', " + act + "}", "'s': cron: a cron expression has five");
    refused(
        "{name: s, cron: '0 1 1 * 1', " + act + "}", "'s': cron: a cron expression restricting");
    refused("{name: s, " + every + ", timezone: Mars/Olympus, " + act + "}", "'s': timezone:");
    refused(
        "{name: s, " + every + ", filter_domain: \"[('a', '=', 1)]\", " + act + "}",
        "'s': filter_domain: needs model");
    refused(
        "{name: s, model: crm.lead, " + every + ", filter_domain: '[(', " + act + "}",
        "'s': filter_domain:");
    refused("{name: s, " + every + "}", "'s': actions: is required");
    refused(
        "{name: s, " + every + ", actions: [{state: launch_rocket}]}",
        "'s': actions[0].state: must be one of the action kinds the sidecar runs (");
    refused(
        "{name: s, " + every + ", actions: [{state: object_write, update_path: a, value: '1'}]}",
        "'s': actions[0].state: object_write runs on records: give the schedule a model");
    refused("{name: s, " + every + ", catch_up: some, " + act + "}", "'s': catch_up: must be once");
    refused("{name: s, " + every + ", active: maybe, " + act + "}", "'s': active: must be true");
    refused("{name: s, " + every + ", when: now, " + act + "}", "'s': when: unknown key; known");
    refused("{" + every + ", " + act + "}", "schedule #1: name: is required");
  }

  @Test
  void apiSync_needsAConfigOfTheSchedulesModel() throws IOException {
    Path file =
        write(
            "a.yaml",
            "schedules:\n  - {name: s, model: crm.lead, interval_number: 1, interval_type: days,"
                + " actions: [{state: api_sync, sync_config: nowhere}]}\n");
    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .hasMessageStartingWith(
            file + ": schedule 's': actions[0].sync_config: no sync config 'nowhere'");
  }

  @Test
  void keyTwice_namesTheSchedule() throws IOException {
    Path file =
        write(
            "a.yaml",
            "schedules:\n  - name: s\n    cron: '0 1 * * *'\n    cron: '0 2 * * *'\n"
                + "    actions: [{state: code, code: 'x = 1'}]\n");
    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .hasMessage(file + ": schedule 's': duplicate key 'cron' at lines 3 and 4");
  }

  @Test
  void theExampleLoads_everyKeyAsWritten() throws IOException {
    Path example = Path.of("config", "examples", "schedules.yaml");
    Files.copy(example, dir.resolve("schedules.yaml"));

    List<Schedule> schedules = RuleFiles.loadAll(dir).schedules();

    assertThat(schedules)
        .extracting(Schedule::name)
        .containsExactly(
            "overdue-invoices-reminder",
            "weekday-morning-cleanup",
            "archive-old-partners",
            "monthly-report");
    assertThat(schedules.get(0).every().unit()).isEqualTo(Schedule.Unit.DAYS);
    assertThat(schedules.get(1).cron()).isNotNull();
    assertThat(schedules.get(1).database()).isEqualTo("warehouse");
    assertThat(schedules.get(1).catchUp()).isEqualTo(Schedule.CatchUp.ALL);
    assertThat(schedules.get(2).model()).isNull();
    assertThat(schedules.get(3).active()).isFalse();
  }

  private void refused(String entry, String message) throws IOException {
    Path file = write("x.yaml", "schedules:\n  - " + entry + "\n");
    assertThatThrownBy(() -> RuleFiles.loadAll(dir))
        .isInstanceOf(RuleFiles.RuleFileException.class)
        .hasMessageContaining(file + ": schedule ")
        .hasMessageContaining(message);
  }

  private static String schedule(String name) {
    return "schedules:\n  - {name: "
        + name
        + ", interval_number: 1, interval_type: days, actions: [{state: code, code: 'x = 1'}]}\n";
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
