package io.odoosidecar.schedule;

import io.odoosidecar.action.ActionRegistry;
import io.odoosidecar.odoo.Many2one;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.rule.RuleImport;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the scheduled actions ({@code ir.cron}) a database ticked "Run in sidecar" (the companion
 * addon's {@code sidecar_offload}) over RPC, as schedules the sidecar runs instead of Odoo's
 * scheduler: Odoo keeps them inactive while ticked, so they are read with {@code active_test} off,
 * and whether they should run is the addon's {@code sidecar_saved_active}.
 *
 * <p>Each job runs its server action (mapped as {@link RuleImport} maps a rule's actions) every
 * {@code interval_number interval_type}, in the time zone of the job's user as Odoo's scheduler
 * computes its next call in ({@code fields.Datetime.context_timestamp} with the user's {@code tz},
 * UTC without one), from {@code parameters.nextcall}; missed runs are run once, as Odoo 18 and
 * later do, or each, where Odoo 17's {@code doall} ("Repeat Missed") says so. A job whose action
 * has a kind the sidecar cannot run, or an interval it does not know, is left out with a warning
 * naming it.
 */
public final class CronImport {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CronImport.class);

  /** The start of an offloaded job's schedule name: {@code ir.cron:<id>}. */
  public static final String PREFIX = "ir.cron:";

  private static final List<String> CRON_FIELDS =
      List.of(
          "name",
          "model_name",
          "ir_actions_server_id",
          "interval_number",
          "interval_type",
          "nextcall",
          "user_id",
          "doall",
          "sidecar_saved_active");

  private final OdooClient client;
  private final RuleImport actions;

  /** Imports for the standard action kinds ({@link ActionRegistry#standardNames()}). */
  public CronImport(OdooClient client) {
    this(client, ActionRegistry.standardNames());
  }

  /**
   * @param kinds the action kinds with an executor: a job whose action has another kind is left out
   */
  public CronImport(OdooClient client, Set<String> kinds) {
    this.client = client.withContext(Map.of("active_test", false));
    this.actions = new RuleImport(client, kinds);
  }

  /**
   * The ticked jobs of the client's database as schedules named {@code ir.cron:<id>}, bound to
   * {@code database}, in id order; empty when the server has no {@code sidecar_offload} field (the
   * addon is not installed or predates it).
   */
  public List<Schedule> offloaded(String database) {
    Set<String> fields = client.fieldsGet("ir.cron").keySet();
    if (!fields.contains("sidecar_offload")) {
      return List.of();
    }
    List<OdooRecord> jobs =
        client.searchRead(
            "ir.cron",
            List.of(List.of("sidecar_offload", "=", true)),
            CRON_FIELDS.stream().filter(fields::contains).toList(),
            SearchOptions.ALL.withOrder("id"));
    Set<Long> serverActions = new LinkedHashSet<>();
    jobs.forEach(j -> j.many2one("ir_actions_server_id").ifPresent(a -> serverActions.add(a.id())));
    Map<Long, Map<String, Object>> mapped = actions.actions(serverActions);
    Map<Long, ZoneId> zones = zones(jobs);
    List<Schedule> out = new ArrayList<>();
    for (OdooRecord job : jobs) {
      Optional<String> why = unrunnable(job, mapped);
      if (why.isPresent()) {
        LOG.warn(
            "connection '{}': an offloaded scheduled action is left out: {}",
            client.name(),
            why.get());
        continue;
      }
      out.add(schedule(database, job, mapped, zones));
    }
    return out;
  }

  /** Why a job cannot run here ({@code ir.cron 'N' (id 7): actions[0].state: ...}), if so. */
  private Optional<String> unrunnable(OdooRecord job, Map<Long, Map<String, Object>> mapped) {
    String who = "ir.cron '" + job.string("name").orElse("") + "' (id " + job.id() + ")";
    Optional<Map<String, Object>> action = serverAction(job, mapped);
    if (action.isEmpty()) {
      return Optional.of(who + ": its server action cannot be read");
    }
    String unit = job.string("interval_type").orElse("");
    try {
      Schedule.Unit.of(unit);
    } catch (IllegalArgumentException e) {
      return Optional.of(who + ": interval_type: " + e.getMessage());
    }
    return actions.unrunnable(List.of(action.get())).map(problem -> who + ": " + problem);
  }

  private static Optional<Map<String, Object>> serverAction(
      OdooRecord job, Map<Long, Map<String, Object>> mapped) {
    return job.many2one("ir_actions_server_id").map(Many2one::id).map(mapped::get);
  }

  private Schedule schedule(
      String database,
      OdooRecord job,
      Map<Long, Map<String, Object>> mapped,
      Map<Long, ZoneId> zones) {
    long userId = job.many2one("user_id").map(Many2one::id).orElse(0L);
    Map<String, Object> parameters = new LinkedHashMap<>();
    parameters.put("cron_id", job.id());
    parameters.put("display_name", job.string("name").orElse(""));
    job.dateTime("nextcall").ifPresent(at -> parameters.put("nextcall", at.toString()));
    parameters.put("user_id", userId);
    return new Schedule(
        PREFIX + job.id(),
        database,
        job.string("model_name").orElse(null),
        new Schedule.Every(
            job.integer("interval_number").orElse(1L).intValue(),
            Schedule.Unit.of(job.string("interval_type").orElse(""))),
        null,
        zones.getOrDefault(userId, ZoneOffset.UTC),
        null,
        List.of(serverAction(job, mapped).orElseThrow()),
        job.bool("doall") ? Schedule.CatchUp.ALL : Schedule.CatchUp.ONCE,
        !job.has("sidecar_saved_active") || job.bool("sidecar_saved_active"),
        "odoo:ir.cron:" + job.id(),
        parameters);
  }

  /**
   * The time zone of each job's user, as Odoo's scheduler takes it: the user's {@code tz}, UTC when
   * the user has none (and, with a warning, when Java does not know the name).
   */
  private Map<Long, ZoneId> zones(List<OdooRecord> jobs) {
    Set<Long> users = new LinkedHashSet<>();
    jobs.forEach(j -> j.many2one("user_id").ifPresent(u -> users.add(u.id())));
    Map<Long, ZoneId> out = new HashMap<>();
    if (users.isEmpty()) {
      return out;
    }
    for (OdooRecord user : client.read("res.users", users, List.of("tz"))) {
      user.string("tz").filter(tz -> !tz.isBlank()).ifPresent(tz -> out.put(user.id(), zone(tz)));
    }
    return out;
  }

  private ZoneId zone(String tz) {
    try {
      return ZoneId.of(tz);
    } catch (DateTimeException e) {
      LOG.warn(
          "connection '{}': time zone '{}' of a scheduled action's user is unknown here; "
              + "its intervals are counted in UTC",
          client.name(),
          tz);
      return ZoneOffset.UTC;
    }
  }
}
