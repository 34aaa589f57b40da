package io.odoosidecar.schedule;

import io.odoosidecar.SidecarException;
import io.odoosidecar.action.ActionContext;
import io.odoosidecar.action.ActionRegistry;
import io.odoosidecar.action.ActionTarget;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.pipeline.Processor;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.script.CronProgress;
import io.odoosidecar.script.PythonEngine;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a schedule's actions as the pipeline runs a rule's: through the action registry, with a
 * client whose context marks the writes as the sidecar's ({@code sidecar_event}: chain {@code
 * ["schedule:NAME"]}, depth 1, so the rules they trigger see where they come from), the Python
 * engine, the clock and the daemon's services. The actions run on the records of the schedule's
 * {@code filter_domain} (evaluated now, with the connection's user) searched on its model, or with
 * no filter on the model alone with no record (code still runs, {@code records} empty), as Odoo's
 * {@code ir.cron} runs its server action on the model.
 *
 * <p>The actions run in order; the first that fails ends the firing, which fails with its reason.
 * Each record is keyed by the firing's due time, so that an idempotent create is made once per
 * firing, not once ever.
 */
public final class ScheduledActions implements ScheduleExecutor {
  /** The chain entry of a schedule's writes: {@code schedule:NAME}. */
  public static final String CHAIN_PREFIX = "schedule:";

  private static final Logger LOG = LoggerFactory.getLogger(ScheduledActions.class);

  private final Function<String, OdooClient> clientOf;
  private final ActionRegistry actions;
  private final PythonEngine python;
  private final Clock clock;
  private final Consumer<ActionContext.Builder> services;
  private final Map<String, ExternalIds> refs = new ConcurrentHashMap<>();

  /**
   * @param clientOf the client of a database (null: the main connection's)
   * @param actions the executors by kind
   * @param python the Python engine, or null when it is off (code actions then fail)
   * @param clock now, for dynamic domains and deadlines
   * @param services adds the daemon's services to each firing's context (sync, outbound), or null
   */
  public ScheduledActions(
      Function<String, OdooClient> clientOf,
      ActionRegistry actions,
      PythonEngine python,
      Clock clock,
      Consumer<ActionContext.Builder> services) {
    this.clientOf = Objects.requireNonNull(clientOf, "clientOf");
    this.actions = Objects.requireNonNull(actions, "actions");
    this.python = python;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.services = services == null ? b -> {} : services;
  }

  @Override
  public void run(Schedule schedule, Instant scheduledFor, CronProgress progress) {
    OdooClient client = clientOf.apply(schedule.database());
    if (client == null) {
      throw new SidecarException(
          "schedule '"
              + schedule.name()
              + "': no Odoo connection is configured for database "
              + schedule.database());
    }
    ExternalIds ids =
        refs.computeIfAbsent(String.valueOf(schedule.database()), db -> new ExternalIds(client));
    Map<String, Object> marker = new LinkedHashMap<>();
    marker.put("chain", List.of(CHAIN_PREFIX + schedule.name()));
    marker.put("depth", 1);
    OdooClient marked = client.withContext(Map.of(Processor.CONTEXT_KEY, marker));
    ActionContext.Builder builder =
        ActionContext.builder(marked, ids).registry(actions).clock(clock).python(python);
    builder.service(CronProgress.class, progress == null ? CronProgress.NONE : progress);
    services.accept(builder);
    ActionContext context = builder.build();
    String model = schedule.model() == null ? "" : schedule.model();
    List<Long> records = records(schedule, marked, ids);
    Map<Long, Long> eventOf = new LinkedHashMap<>();
    records.forEach(id -> eventOf.put(id, scheduledFor.toEpochMilli()));
    Rule rule = rule(schedule, model);
    for (int i = 0; i < schedule.actions().size(); i++) {
      Map<String, Object> action = schedule.actions().get(i);
      ActionTarget target =
          new ActionTarget(rule, String.valueOf(i), action, model, records, eventOf);
      try {
        String result = context.run(target);
        LOG.info("schedule '{}', action {}: {}", schedule.name(), i, result);
      } catch (RuntimeException e) {
        throw new SidecarException(
            "action " + i + " (" + action.get("state") + "): " + e.getMessage(), e);
      }
    }
  }

  /** The records of the filter, searched now; none without a filter. */
  private List<Long> records(Schedule schedule, OdooClient client, ExternalIds ids) {
    String filter = schedule.filterDomain();
    if (schedule.model() == null || filter == null || filter.isBlank()) {
      return List.of();
    }
    DomainExpression.Context context =
        DomainExpression.Context.of(
            client.authenticate(), clock.instant(), xmlId -> ids.resolve(xmlId).orElse(null));
    return client.search(schedule.model(), DomainExpression.evaluate(filter, context).toWire());
  }

  /** The rule the actions see: the schedule's name in the chain, its model, its actions. */
  private static Rule rule(Schedule schedule, String model) {
    return new Rule(
        CHAIN_PREFIX + schedule.name(),
        model,
        true,
        Trigger.ON_TIME,
        List.of(),
        null,
        schedule.filterDomain(),
        schedule.parameters(),
        schedule.actions());
  }
}
