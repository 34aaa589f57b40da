package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.app.Daemon;
import io.odoosidecar.app.LiveSidecar;
import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.Many2one;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.SearchOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduling on a live Odoo with the sidecar_bridge addon (scripts/it), on Odoo's clock: a timed
 * rule fires at its records' due time, a moved date fires at the new time only, a schedule runs
 * every minute and once on return from downtime, and an {@code ir.cron} job ticked "Run in sidecar"
 * is run by the sidecar and not by Odoo. The four share one daemon and one timeline (about five
 * minutes): the daemon's downtime serves the schedule's catch-up and the offloaded job's check that
 * Odoo does not run it.
 */
class SchedulingLiveIT {
  private static final DateTimeFormatter ODOO = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  OdooClient odoo;
  Daemon daemon;
  int port;
  final List<Runnable> cleanup = new ArrayList<>();

  String rules(long scheduleTarget) {
    return """
        rules:
          - name: IT timed created
            model: res.partner
            trigger: on_time_created
            trg_date_range: 1
            trg_date_range_type: minutes
            filter_domain: "[('name', '=like', 'IT timed created%%')]"
            actions:
              - state: object_write
                update_path: ref
                value: IT fired
          - name: IT timed deadline
            model: project.task
            trigger: on_time
            trg_date_id: date_deadline
            trg_date_range: -1
            trg_date_range_type: minutes
            filter_domain: "[('name', '=like', 'IT timed deadline%%')]"
            actions:
              - state: code
                code: |
                  for task in records:
                      task.message_post(body='IT deadline fired')
        schedules:
          - name: IT every minute
            model: res.partner
            interval_number: 1
            interval_type: minutes
            actions:
              - state: code
                code: |
                  env['res.partner'].browse(%d).message_post(body='IT schedule ran')
        """
        .formatted(scheduleTarget);
  }

  @BeforeEach
  void connect() {
    OdooSettings settings = LiveOdoo.settings();
    odoo = OdooClients.create(settings);
    Assumptions.assumeTrue(
        odoo.searchCount(
                "ir.module.module",
                List.of(List.of("name", "=", "sidecar_bridge"), List.of("state", "=", "installed")))
            == 1,
        "the sidecar_bridge addon is not installed on " + settings.url());
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      cleanup.get(i).run();
    }
    if (odoo != null) {
      odoo.close();
    }
  }

  @Test
  void scenarios() throws Exception {
    long scheduleTarget = partner("IT schedule target");
    long cronTarget = partner("IT cron target");
    long cron = offloadedCron(cronTarget);

    port = LiveSidecar.freePort();
    Instant firstStart = Instant.now();
    daemon = start(scheduleTarget);

    // 1. on_time_created, 1 minute: fires 60 to 62 s after the record's creation
    long created = partner("IT timed created");
    // 2. on_time one minute before date_deadline: moved later before it is due
    Instant base = odooNow();
    Instant oldDeadline = base.plusSeconds(120);
    Instant newDeadline = base.plusSeconds(180);
    long task = task("IT timed deadline", oldDeadline);
    Thread.sleep(5_000);
    odoo.write("project.task", List.of(task), Map.of("date_deadline", odooText(newDeadline)));

    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> "IT fired".equals(read("res.partner", created, "ref").get("ref")));
    Map<String, Object> fired = read("res.partner", created, "create_date", "write_date");
    long lateness =
        Duration.between(at(fired.get("create_date")).plusSeconds(60), at(fired.get("write_date")))
            .toSeconds();
    System.out.printf("1. on_time_created +1 min: written %d s after due%n", lateness);
    assertThat(lateness).as("seconds after create_date + 60 s").isBetween(0L, 2L);

    Instant oldDue = oldDeadline.minusSeconds(60);
    Instant newDue = newDeadline.minusSeconds(60);
    sleepUntil(oldDue.plusSeconds(10));
    assertThat(messages("project.task", task, "IT deadline fired"))
        .as("no firing at the old due time")
        .isEmpty();
    await()
        .atMost(Duration.between(Instant.now(), newDue.plusSeconds(30)))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> !messages("project.task", task, "IT deadline fired").isEmpty());
    Thread.sleep(3_000);
    List<Instant> deadlineFirings = messages("project.task", task, "IT deadline fired");
    assertThat(deadlineFirings).as("one firing").hasSize(1);
    long moved = Duration.between(newDue, deadlineFirings.get(0)).toSeconds();
    System.out.printf("2. on_time, moved later: fired once, %d s after the new due time%n", moved);
    assertThat(moved).as("seconds after the new due time").isBetween(0L, 2L);

    // 3. and 4. before the downtime: the schedule and the offloaded job ran every minute
    await()
        .atMost(Duration.ofSeconds(70))
        .until(
            () ->
                messages("res.partner", scheduleTarget, "IT schedule ran").size() >= 2
                    && messages("res.partner", cronTarget, "cron ran").size() >= 3);
    assertThat(Duration.between(firstStart, messages("res.partner", cronTarget, "cron ran").get(0)))
        .as("the job's next call had come: run at its import, as Odoo would run it")
        .isBetween(Duration.ofSeconds(-1), Duration.ofSeconds(15));
    assertEveryMinute(messages("res.partner", scheduleTarget, "IT schedule ran"), "schedule");
    List<Instant> cronRuns = messages("res.partner", cronTarget, "cron ran");
    // after that run, on the grid of its next call (Odoo: nextcall + k * interval)
    assertEveryMinute(cronRuns.subList(1, cronRuns.size()), "offloaded job");
    assertThat(read("ir.cron", cron, "active").get("active"))
        .as("the ticked job stays inactive in Odoo")
        .isEqualTo(false);

    Instant nextRun = nextFire("IT every minute");
    Instant nextCron = nextFire("ir.cron:" + cron);
    List<Instant> scheduleBefore = messages("res.partner", scheduleTarget, "IT schedule ran");
    List<Instant> cronBefore = messages("res.partner", cronTarget, "cron ran");
    daemon.close();
    daemon = null;
    Instant stopped = Instant.now();
    // down past the next run of both, by more than Quartz's misfire threshold
    sleepUntil((nextRun.isAfter(nextCron) ? nextRun : nextCron).plusSeconds(15));
    assertThat(messages("res.partner", cronTarget, "cron ran"))
        .as("Odoo's scheduler did not run the job while the sidecar was down")
        .isEqualTo(cronBefore);
    assertThat(messages("res.partner", scheduleTarget, "IT schedule ran"))
        .isEqualTo(scheduleBefore);
    Map<String, Object> job = read("ir.cron", cron, "active", "lastcall");
    assertThat(job.get("active")).isEqualTo(false);
    assertThat(job.get("lastcall")).as("Odoo never ran the job").isEqualTo(false);
    System.out.printf(
        "3./4. down %d s, past the runs due at %s and %s%n",
        Duration.between(stopped, Instant.now()).toSeconds(), nextRun, nextCron);

    Instant back = Instant.now();
    daemon = start(scheduleTarget);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                messages("res.partner", scheduleTarget, "IT schedule ran").size()
                        > scheduleBefore.size()
                    && messages("res.partner", cronTarget, "cron ran").size() > cronBefore.size());
    Instant nextAfter = nextFire("IT every minute");
    Instant cronAfter = nextFire("ir.cron:" + cron);
    sleepUntil((nextAfter.isAfter(cronAfter) ? nextAfter : cronAfter).plusSeconds(5));
    List<Instant> schedule = messages("res.partner", scheduleTarget, "IT schedule ran");
    List<Instant> jobRuns = messages("res.partner", cronTarget, "cron ran");
    System.out.printf("3. schedule runs: %s%n4. offloaded job runs: %s%n", schedule, jobRuns);
    assertCaughtUpOnce(schedule, scheduleBefore, back, "schedule");
    assertCaughtUpOnce(jobRuns, cronBefore, back, "offloaded job");
    assertThat(authors("res.partner", cronTarget, "cron ran"))
        .as("posted by the sidecar's user, not the job's (OdooBot), as Odoo's scheduler would")
        .containsOnly(sidecarPartner());

    // 4. unticked: given back to Odoo, active as it was
    odoo.write("ir.cron", List.of(cron), Map.of("sidecar_offload", false));
    assertThat(read("ir.cron", cron, "active").get("active")).isEqualTo(true);
    odoo.write("ir.cron", List.of(cron), Map.of("active", false));
  }

  /** Runs one a minute. */
  private static void assertEveryMinute(List<Instant> runs, String what) {
    for (int i = 1; i < runs.size(); i++) {
      assertThat(Duration.between(runs.get(i - 1), runs.get(i)).toSeconds())
          .as(what + ": runs a minute apart, " + runs)
          .isBetween(58L, 62L);
    }
  }

  /**
   * After the return: exactly one catch-up run, within seconds of it, then the next on the minute
   * of the runs before the downtime.
   */
  private static void assertCaughtUpOnce(
      List<Instant> runs, List<Instant> before, Instant back, String what) {
    assertThat(runs.subList(0, before.size())).isEqualTo(before);
    List<Instant> after = runs.subList(before.size(), runs.size());
    assertThat(after).as(what + ": the catch-up and the next run, " + runs).hasSize(2);
    assertThat(Duration.between(back, after.get(0)).toSeconds())
        .as(what + ": caught up on return")
        .isBetween(-1L, 15L);
    long offset = Duration.between(before.get(before.size() - 1), after.get(1)).toSeconds();
    assertThat(Math.floorMod(offset + 2, 60))
        .as(what + ": on the minute of its earlier runs (" + offset + " s later)")
        .isBetween(0, 4);
  }

  private Daemon start(long scheduleTarget) throws Exception {
    return LiveSidecar.start(
        LiveOdoo.settings(), odoo, dir, rules(scheduleTarget), port, "project.task");
  }

  private long partner(String name) {
    long id = odoo.create("res.partner", Map.of("name", name));
    cleanup.add(() -> odoo.unlink("res.partner", List.of(id)));
    return id;
  }

  private long task(String name, Instant deadline) {
    long project = odoo.search("project.project", List.of(), new SearchOptions(0, 1, "id")).get(0);
    long id =
        odoo.create(
            "project.task",
            Map.of("name", name, "project_id", project, "date_deadline", odooText(deadline)));
    cleanup.add(() -> odoo.unlink("project.task", List.of(id)));
    return id;
  }

  /**
   * A job every minute posting "cron ran", run by OdooBot as Odoo's own jobs are, its next call
   * now, ticked "Run in sidecar" (created with a later next call, so that Odoo's scheduler cannot
   * take it before it is ticked).
   */
  private long offloadedCron(long target) {
    long model = odoo.search("ir.model", List.of(List.of("model", "=", "res.partner"))).get(0);
    long cron =
        odoo.create(
            "ir.cron",
            Map.of(
                "name",
                "IT offloaded cron",
                "model_id",
                model,
                "state",
                "code",
                "code",
                "model.browse(%d).message_post(body='cron ran')".formatted(target),
                "interval_number",
                1,
                "interval_type",
                "minutes",
                "nextcall",
                odooText(odooNow().plusSeconds(600)),
                "user_id",
                1));
    cleanup.add(
        () -> odoo.withContext(Map.of("active_test", false)).unlink("ir.cron", List.of(cron)));
    odoo.write("ir.cron", List.of(cron), Map.of("sidecar_offload", true));
    Map<String, Object> ticked =
        odoo.withContext(Map.of("active_test", false))
            .read("ir.cron", List.of(cron), List.of("active", "sidecar_saved_active"))
            .get(0)
            .values();
    assertThat(ticked.get("active")).as("inactive in Odoo once ticked").isEqualTo(false);
    assertThat(ticked.get("sidecar_saved_active")).isEqualTo(true);
    odoo.write("ir.cron", List.of(cron), Map.of("nextcall", odooText(odooNow())));
    return cron;
  }

  /**
   * The creation times (Odoo's clock) of the messages on a record whose body holds {@code text}.
   */
  private List<Instant> messages(String model, long id, String text) {
    List<Instant> out = new ArrayList<>();
    for (OdooRecord message : messageRows(model, id, text, "create_date")) {
      out.add(at(message.values().get("create_date")));
    }
    return out;
  }

  private List<Long> authors(String model, long id, String text) {
    List<Long> out = new ArrayList<>();
    for (OdooRecord message : messageRows(model, id, text, "author_id")) {
      out.add(message.many2one("author_id").map(Many2one::id).orElse(0L));
    }
    return out;
  }

  private List<OdooRecord> messageRows(String model, long id, String text, String field) {
    return odoo.searchRead(
        "mail.message",
        List.of(
            List.of("model", "=", model),
            List.of("res_id", "=", id),
            List.of("body", "ilike", text)),
        List.of(field),
        SearchOptions.ALL.withOrder("id"));
  }

  private long sidecarPartner() {
    return odoo.read("res.users", List.of(odoo.authenticate()), List.of("partner_id"))
        .get(0)
        .many2one("partner_id")
        .orElseThrow()
        .id();
  }

  private Map<String, Object> read(String model, long id, String... fields) {
    return odoo.withContext(Map.of("active_test", false))
        .read(model, List.of(id), List.of(fields))
        .get(0)
        .values();
  }

  /** The next fire of a schedule, from the daemon's /health. */
  private Instant nextFire(String name) throws Exception {
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
    for (JsonNode schedule : JSON.readTree(health.body()).path("schedules")) {
      if (name.equals(schedule.path("name").asText())) {
        return Instant.parse(schedule.path("next_fire").asText());
      }
    }
    throw new AssertionError("no schedule " + name + " in /health: " + health.body());
  }

  /** Odoo runs on this machine: its clock is this one, to the second it stores. */
  private static Instant odooNow() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  private static String odooText(Instant at) {
    return ODOO.format(LocalDateTime.ofInstant(at, ZoneOffset.UTC));
  }

  private static Instant at(Object odooDate) {
    return TimedRule.parse(String.valueOf(odooDate)).toInstant(ZoneOffset.UTC);
  }

  private static void sleepUntil(Instant at) throws InterruptedException {
    long wait = Duration.between(Instant.now(), at).toMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }
}
