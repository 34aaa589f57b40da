package io.odoosidecar.pipeline;

import io.odoosidecar.action.ActionContext;
import io.odoosidecar.action.ActionRegistry;
import io.odoosidecar.action.ActionTarget;
import io.odoosidecar.action.PartialFailureException;
import io.odoosidecar.action.PostKeys;
import io.odoosidecar.action.UnsupportedActionException;
import io.odoosidecar.action.WebhookSettings;
import io.odoosidecar.domain.BatchLoader;
import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.domain.DomainMatcher;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.ChangeEvent;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleMatcher;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns claimed events into rule firings and runs their actions, batch by batch; every event ends
 * done, due again later, or parked as a dead letter.
 *
 * <p>Implementation notes. Events are grouped by database and model. One {@link BatchLoader} read
 * gets the current values of every record of the group with the fields the rules' domains and
 * watched fields need (and what the domains reach through relations). A record's values after the
 * change are those values, overlaid with the values the event carries; its values before are those,
 * overlaid with the event's old values. {@link RuleMatcher} decides the firings with Odoo's
 * semantics. The firings of one rule are batched: each action runs once for all its records ({@link
 * ActionContext}, each kind by its executor in an {@link ActionRegistry}), and its completion is
 * recorded per event, so that a replayed event skips what is done. When a batched action fails, it
 * is run again record by record to isolate the records that fail; only their events are retried
 * (with capped exponential backoff) and, after the last attempt, parked with their error.
 *
 * <p>Loops: the sidecar's writes carry {@code sidecar_event} in their context with the chain of
 * rules that led to them and the depth; an event that comes back with it does not fire the rules of
 * its chain again (Odoo's per-transaction guard) and fires nothing past the depth limit.
 */
public final class Processor {
  private static final Logger LOG = LoggerFactory.getLogger(Processor.class);

  /** The context key that marks the sidecar's own writes. */
  public static final String CONTEXT_KEY = "sidecar_event";

  /**
   * How events are processed.
   *
   * @param maxDepth the longest chain of rules firing one another
   * @param retry attempts and backoff for events whose actions fail
   */
  public record Settings(int maxDepth, RetryPolicy retry) {
    public static Settings defaults() {
      return new Settings(5, new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofMinutes(10)));
    }
  }

  /** The Odoo connection of each database. */
  @FunctionalInterface
  public interface Connections {
    /** The client for a database, or null when none is configured. */
    OdooClient client(String database);
  }

  /** Told of every write and create the actions made, so that the poller can tell echoes. */
  @FunctionalInterface
  public interface EffectListener {
    void wrote(String database, String model, Collection<Long> ids, List<String> chain, int depth);
  }

  private final EventLog log;
  private final Connections connections;
  private final Supplier<? extends Collection<Rule>> rules;
  private final Settings settings;
  private final Clock clock;
  private final EffectListener effects;
  private final Map<String, ExternalIds> refs = new ConcurrentHashMap<>();
  private volatile io.odoosidecar.script.PythonEngine python;
  private volatile ActionRegistry actions = ActionRegistry.standard();
  private volatile io.odoosidecar.sync.SyncEngine sync;
  private volatile io.odoosidecar.sync.SyncConfigLookup syncConfigs;
  private volatile io.odoosidecar.sync.SyncOutbound outbound;
  private volatile ChangeObserver observer = ChangeObserver.NONE;
  private volatile PipelineListener listener = PipelineListener.NONE;
  private volatile java.util.function.Predicate<String> paused = name -> false;
  private volatile io.odoosidecar.store.JournaledCalls journal;
  private volatile io.odoosidecar.action.AttemptLog attempts =
      io.odoosidecar.action.AttemptLog.NONE;
  private final Map<String, Long> uids = new ConcurrentHashMap<>();
  private final WebhookSettings webhooks;
  private final PostKeyProbe postKeys;

  public Processor(
      EventLog log,
      Connections connections,
      Supplier<? extends Collection<Rule>> rules,
      Settings settings,
      Clock clock,
      EffectListener effects) {
    this.log = log;
    this.webhooks =
        new WebhookSettings(
            Duration.ofSeconds(10),
            new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5)),
            RetryPolicy.Sleeper.system(),
            (rule, url, record, attempt, status, millis, error) ->
                attempts.attempt(rule, url, record, attempt, status, millis, error));
    this.connections = connections;
    this.rules = rules;
    this.settings = settings;
    this.clock = clock;
    this.effects = effects;
    this.postKeys = new PostKeyProbe(clock);
  }

  /** The Python engine code actions and expressions run on (none: such actions are parked). */
  public Processor withPython(io.odoosidecar.script.PythonEngine engine) {
    this.python = engine;
    return this;
  }

  /**
   * The executors the rules' actions run on, by kind ({@link ActionRegistry#standard()} unless
   * set); the rule files must be loaded against the same {@link ActionRegistry#names()}.
   */
  public Processor withActions(ActionRegistry registry) {
    this.actions = java.util.Objects.requireNonNull(registry, "registry");
    return this;
  }

  /**
   * The engine {@code api_sync} actions sync with (none: such actions are parked). Each firing gets
   * {@link io.odoosidecar.sync.SyncEngine#using} its client, whose context marks the write-backs as
   * the sidecar's; the engine's pools and signers are shared by every firing.
   */
  public Processor withSync(io.odoosidecar.sync.SyncEngine engine) {
    this.sync = java.util.Objects.requireNonNull(engine, "engine");
    return this;
  }

  /**
   * The sync configs {@code api_sync} actions name, as in force (those of the rules folder: {@code
   * name -> registry.snapshot().syncConfig(name)}); none: such actions are parked.
   */
  public Processor withSyncConfigs(io.odoosidecar.sync.SyncConfigLookup configs) {
    this.syncConfigs = java.util.Objects.requireNonNull(configs, "configs");
    return this;
  }

  /**
   * What code actions' {@code env['bj.api.sync.config']._make_outbound_http_request} syncs with:
   * each firing gets it {@link io.odoosidecar.sync.SyncOutbound#through} its client, so that the
   * write-backs are marked as the sidecar's and the records are read in the firing's database.
   */
  public Processor withOutboundSync(io.odoosidecar.sync.SyncOutbound outbound) {
    this.outbound = java.util.Objects.requireNonNull(outbound, "outbound");
    return this;
  }

  /** Tells {@code observer} of each group of changes before its rules run. */
  public Processor withObserver(ChangeObserver observer) {
    this.observer = java.util.Objects.requireNonNull(observer, "observer");
    return this;
  }

  /** Tells {@code listener} of each rule's run and of each event's settling. */
  public Processor withListener(PipelineListener listener) {
    this.listener = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Which rules are paused: an event such a rule would fire on waits ({@link #HELD}, not counted as
   * an attempt) until the rule is resumed, while the other rules run on it.
   */
  public Processor withPauses(java.util.function.Predicate<String> paused) {
    this.paused = java.util.Objects.requireNonNull(paused, "paused");
    return this;
  }

  /**
   * Where code actions journal their calls that change data, so that an action run again for the
   * same events (after a crash, a retry) is answered from it rather than making them again; the
   * calls of the events completed are forgotten. None: every call is made again.
   */
  public Processor withJournal(io.odoosidecar.store.JournaledCalls journal) {
    this.journal = java.util.Objects.requireNonNull(journal, "journal");
    return this;
  }

  /** Where every attempt of a webhook action is recorded (none: not recorded). */
  public Processor withWebhookAttempts(io.odoosidecar.action.AttemptLog attempts) {
    this.attempts = java.util.Objects.requireNonNull(attempts, "attempts");
    return this;
  }

  /** How the last error of an event held by a paused rule starts. */
  public static final String HELD = EventLog.HELD;

  /** How long a held event waits before it is looked at again, unless its rule is resumed. */
  static final Duration HOLD = Duration.ofMinutes(10);

  /** Processes claimed events. */
  public void process(List<EventLog.Event> events) {
    Map<String, List<EventLog.Event>> groups = new LinkedHashMap<>();
    for (EventLog.Event event : events) {
      groups
          .computeIfAbsent(event.database() + "\u0000" + event.model(), k -> new ArrayList<>())
          .add(event);
    }
    for (List<EventLog.Event> group : groups.values()) {
      Outcome outcome = new Outcome();
      group.forEach(event -> outcome.attempts.put(event.id(), event.attempts()));
      try {
        processGroup(group.get(0).database(), group.get(0).model(), group, outcome);
      } catch (RuntimeException e) {
        LOG.warn(
            "{} events of {} not processed: {}", group.size(), group.get(0).model(), describe(e));
        for (EventLog.Event event : group) {
          if (unreachable(e)) {
            outcome.unavailable.putIfAbsent(event.id(), describe(e));
          } else {
            outcome.failed.putIfAbsent(event.id(), describe(e));
          }
        }
      }
      tellRuns(outcome);
      settle(group, outcome);
    }
  }

  /** Tells the listener of the group's runs, their results as the group's events end. */
  private void tellRuns(Outcome outcome) {
    int maxAttempts = settings.retry().maxAttempts();
    for (RunTrace trace : outcome.traces) {
      RuleRun ran = trace.finish(event -> settledAs(outcome, event, maxAttempts));
      tell(() -> listener.ran(ran));
    }
  }

  /** What became of a group's events. */
  private static final class Outcome {
    final Map<Long, String> failed = new LinkedHashMap<>();
    final Map<Long, String> poisoned = new LinkedHashMap<>();
    final Map<Long, String> unavailable = new LinkedHashMap<>();

    /** The paused rules that would fire on each event. */
    final Map<Long, Set<String>> held = new LinkedHashMap<>();

    /** The rules' runs of the group, told once its events are settled. */
    final List<RunTrace> traces = new ArrayList<>();

    /** The attempts each event had before this one. */
    final Map<Long, Integer> attempts = new HashMap<>();

    boolean settled(long event) {
      return failed.containsKey(event)
          || poisoned.containsKey(event)
          || unavailable.containsKey(event);
    }
  }

  /** Odoo could not be reached: the event waits without spending an attempt. */
  private static boolean unreachable(RuntimeException e) {
    return e instanceof OdooException oe && oe.retriable();
  }

  private void settle(List<EventLog.Event> group, Outcome outcome) {
    List<Long> done = new ArrayList<>();
    for (EventLog.Event event : group) {
      String result;
      if (!outcome.settled(event.id()) && !outcome.held.containsKey(event.id())) {
        result = "done"; // the common case: nothing to log, no context to set
        done.add(event.id());
      } else {
        result = settleLogged(event, outcome);
      }
      tell(event, result);
    }
    log.completeAll(done);
    forgetCalls(done);
  }

  /** Drops the journaled calls of the events done; those left behind go with the hourly purge. */
  private void forgetCalls(List<Long> done) {
    io.odoosidecar.store.JournaledCalls calls = journal;
    if (calls == null) {
      return;
    }
    try {
      calls.forget(done);
    } catch (RuntimeException e) {
      LOG.warn("cannot forget the journaled calls of {} done events: {}", done.size(), describe(e));
    }
  }

  /** Settles an event that did not simply succeed, its log lines naming it. */
  private String settleLogged(EventLog.Event event, Outcome outcome) {
    org.slf4j.MDC.put("event", Long.toString(event.id()));
    org.slf4j.MDC.put("record", Long.toString(event.recordId()));
    try {
      return settle(event, outcome);
    } finally {
      org.slf4j.MDC.remove("event");
      org.slf4j.MDC.remove("record");
    }
  }

  private void tell(EventLog.Event event, String result) {
    try {
      listener.settled(event.database(), event.model(), event.operation(), result);
    } catch (RuntimeException e) {
      LOG.warn("the pipeline's listener failed: {}", describe(e));
    }
  }

  /** Settles one event but for marking it done; answers how it was settled. */
  private String settle(EventLog.Event event, Outcome outcome) {
    String poison = outcome.poisoned.get(event.id());
    String error = outcome.failed.get(event.id());
    String away = outcome.unavailable.get(event.id());
    Set<String> held = outcome.held.get(event.id());
    if (away != null) {
      int step = Math.max(1, event.attempts() + 1);
      log.postpone(event.id(), away, clock.instant().plus(settings.retry().backoff(step)));
      return "waiting";
    }
    if (poison != null) {
      log.fail(event.id(), poison, clock.instant(), 1);
      LOG.warn("event {} parked as a dead letter: {}", event.id(), poison);
      return "parked";
    }
    if (error != null) {
      return failed(event, error);
    }
    if (held != null) {
      return hold(event, held);
    }
    return "done";
  }

  /**
   * Puts back in line an event paused rules would fire on: until one of them is resumed (asked
   * again now: a resume while the batch ran is not missed), or at once when none is paused now.
   */
  private String hold(EventLog.Event event, Set<String> rules) {
    List<String> still = rules.stream().filter(paused).toList();
    if (still.isEmpty()) {
      log.postpone(event.id(), "its paused rules were resumed: run again", clock.instant());
      return "held";
    }
    String reason =
        HELD + String.join(", ", still.stream().map(r -> "rule '" + r + "' is paused").toList());
    log.postpone(event.id(), reason, clock.instant().plus(HOLD));
    LOG.info("event {} waits: {}", event.id(), reason.substring(HELD.length()));
    return "held";
  }

  private String failed(EventLog.Event event, String error) {
    int attempt = event.attempts() + 1;
    Duration wait = settings.retry().backoff(attempt);
    log.fail(event.id(), error, clock.instant().plus(wait), settings.retry().maxAttempts());
    if (attempt >= settings.retry().maxAttempts()) {
      LOG.warn(
          "event {} parked as a dead letter after {} attempts: {}", event.id(), attempt, error);
      return "parked";
    }
    LOG.warn(
        "event {} failed (attempt {} of {}), next try in {} ms: {}",
        event.id(),
        attempt,
        settings.retry().maxAttempts(),
        wait.toMillis(),
        error);
    return "retry";
  }

  /** Tells the listener, which must not fail the batch. */
  private static void tell(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("the pipeline's listener failed: {}", describe(e));
    }
  }

  private void processGroup(
      String database, String model, List<EventLog.Event> events, Outcome outcome) {
    List<Rule> modelRules = new ArrayList<>();
    for (Rule rule : rules.get()) {
      Object home = rule.parameters().get("database");
      if (rule.active()
          && rule.model().equals(model)
          && (home == null || home.equals(database))) { // a rule imported from one database
        modelRules.add(rule);
      }
    }
    if (modelRules.isEmpty()) {
      observe(database, model, events, null); // a model without rules: a calendar's, say
      return;
    }
    OdooClient client = connections.client(database);
    if (client == null) {
      throw new IllegalStateException("no Odoo connection is configured for database " + database);
    }
    Map<Long, ChangePayload> payloads = new LinkedHashMap<>();
    for (EventLog.Event event : events) {
      try {
        payloads.put(event.id(), ChangePayload.parse(event.payload()));
      } catch (RuntimeException e) {
        outcome.poisoned.put(event.id(), describe(e));
      }
    }
    observe(database, model, events, payloads);
    Schema schema = Schema.lazy(client::fieldsGet);
    ExternalIds ids = refs.computeIfAbsent(database, db -> new ExternalIds(client));
    DomainExpression.Context context = context(database, client, ids);

    Set<Long> current = new LinkedHashSet<>();
    Set<String> extra = new LinkedHashSet<>();
    List<Domain> domains = new ArrayList<>();
    List<Domain> writeDomains = new ArrayList<>();
    Set<String> writeFields = new LinkedHashSet<>();
    // a rule whose domain cannot be evaluated is left out, its failure given to the events it
    // concerns once the other rules have run on them (their done actions are not run again)
    Map<Rule, String> broken = new java.util.IdentityHashMap<>();
    for (java.util.Iterator<Rule> it = modelRules.iterator(); it.hasNext(); ) {
      Rule rule = it.next();
      List<Domain> own;
      try {
        own = domainsOf(rule, context);
      } catch (RuntimeException e) {
        LOG.warn("rule '{}': its domain cannot be evaluated: {}", rule.name(), describe(e));
        broken.put(rule, "rule '" + rule.name() + "': domain: " + describe(e));
        it.remove();
        continue;
      }
      boolean onWrite = rule.trigger().onWrite();
      extra.addAll(rule.triggerFields());
      domains.addAll(own);
      if (onWrite) {
        writeFields.addAll(rule.triggerFields());
        writeDomains.addAll(own);
      }
    }
    try {
      processRules(
          database,
          model,
          events,
          outcome,
          modelRules,
          client,
          payloads,
          schema,
          ids,
          context,
          current,
          extra,
          domains,
          writeDomains,
          writeFields);
    } finally {
      failConcerned(events, payloads, broken, outcome);
    }
  }

  /**
   * Tells the observer which records the group's changes wrote and deleted, and which fields the
   * writes changed when every one of them says so ({@code payloads} null: not read).
   */
  private void observe(
      String database,
      String model,
      List<EventLog.Event> events,
      Map<Long, ChangePayload> payloads) {
    Set<Long> written = new LinkedHashSet<>();
    Set<Long> unlinked = new LinkedHashSet<>();
    Set<String> fields = payloads == null ? null : new LinkedHashSet<>();
    for (EventLog.Event event : events) {
      switch (event.operation()) {
        case "create", "write" -> {
          written.add(event.recordId());
          fields = fieldsOf(event, payloads, fields);
        }
        case "unlink" -> unlinked.add(event.recordId());
        default -> {} // firings, messages and webhook calls change nothing
      }
    }
    written.removeAll(unlinked);
    if (!written.isEmpty() || !unlinked.isEmpty()) {
      observer.observe(database, model, written, unlinked, fields);
    }
  }

  /** {@code fields} with those a write changed; null once a change does not say. */
  private static Set<String> fieldsOf(
      EventLog.Event event, Map<Long, ChangePayload> payloads, Set<String> fields) {
    ChangePayload payload = payloads == null ? null : payloads.get(event.id());
    if (fields == null
        || payload == null
        || !event.operation().equals("write")
        || payload.fields().isEmpty()) {
      return null;
    }
    fields.addAll(payload.fields());
    return fields;
  }

  /**
   * Fails, for a retry, each event a rule whose domain could not be evaluated would have applied
   * to, with that rule's reason; the other events are not held up by it.
   */
  private void failConcerned(
      List<EventLog.Event> events,
      Map<Long, ChangePayload> payloads,
      Map<Rule, String> broken,
      Outcome outcome) {
    if (broken.isEmpty()) {
      return;
    }
    for (EventLog.Event event : events) {
      ChangePayload payload = payloads.get(event.id());
      if (payload == null || outcome.settled(event.id())) {
        continue;
      }
      List<String> reasons = new ArrayList<>();
      broken.forEach(
          (rule, reason) -> {
            if (concerns(rule, payload)) {
              reasons.add(reason);
            }
          });
      if (!reasons.isEmpty()) {
        outcome.failed.put(event.id(), String.join("; ", reasons));
      }
    }
  }

  /**
   * Whether a rule of the event's model may fire on it, whatever its domains: its trigger reacts to
   * the operation (on a write with watched fields, one of them was written), and neither the chain
   * nor the depth limit excludes it.
   */
  private boolean concerns(Rule rule, ChangePayload payload) {
    if (payload.depth() >= settings.maxDepth() || payload.chain().contains(rule.name())) {
      return false;
    }
    Trigger trigger = rule.trigger();
    switch (payload.operation()) {
      case "create":
        return trigger.onCreate();
      case "write":
        return trigger.onWrite()
            && (rule.triggerFields().isEmpty()
                || rule.triggerFields().stream().anyMatch(payload.fields()::contains));
      case "unlink":
        return trigger == Trigger.ON_UNLINK;
      case "message":
        return payload.chain().isEmpty()
            && (trigger == Trigger.ON_MESSAGE_RECEIVED || trigger == Trigger.ON_MESSAGE_SENT);
      case "webhook":
        return trigger == Trigger.ON_WEBHOOK && rule.name().equals(payload.rule());
      case "timed":
        return io.odoosidecar.schedule.TimedRule.timed(trigger)
            && rule.name().equals(payload.rule());
      default:
        return false;
    }
  }

  /** The rule's domains, evaluated (a dynamic one in the context of the moment). */
  private static List<Domain> domainsOf(Rule rule, DomainExpression.Context context) {
    List<Domain> own = new ArrayList<>(2);
    for (String text : new String[] {rule.filterDomain(), rule.filterPreDomain()}) {
      if (text != null && !text.isBlank()) {
        own.add(DomainExpression.evaluate(text, context));
      }
    }
    return own;
  }

  private void processRules(
      String database,
      String model,
      List<EventLog.Event> events,
      Outcome outcome,
      List<Rule> modelRules,
      OdooClient client,
      Map<Long, ChangePayload> payloads,
      Schema schema,
      ExternalIds ids,
      DomainExpression.Context context,
      Set<Long> current,
      Set<String> extra,
      List<Domain> domains,
      List<Domain> writeDomains,
      Set<String> writeFields) {
    if (modelRules.isEmpty()) {
      return;
    }
    for (EventLog.Event event : events) {
      ChangePayload payload = payloads.get(event.id());
      if (payload != null && !payload.operation().equals("unlink")) {
        current.add(event.recordId());
        extra.addAll(payload.fields());
      }
    }
    extra.retainAll(client.fieldsGet(model).keySet());
    BatchLoader loader = new BatchLoader(client, schema);
    Map<Long, Map<String, Object>> pushed =
        pushedValues(loader, model, writeDomains, writeFields, events, payloads);
    RecordStore store =
        pushed != null
            ? RecordStore.referenced(Map.of(model, pushed))
            : current.isEmpty()
                ? RecordStore.referenced(Map.of())
                : loader.load(model, current, domains, extra);
    DomainMatcher remote = new DomainMatcher(client, schema);
    RuleMatcher matcher = new RuleMatcher(schema, context, store, remote::ask);

    // rule -> (chain, depth) -> record -> event
    // rules by identity: a rule's own hash walks its actions and parameters
    Map<Rule, Map<Lineage, Map<Long, Long>>> firings = new java.util.IdentityHashMap<>();
    // each event's record as its change left it, for the actions (Python takes it as read)
    Map<Long, Map<String, Object>> changed = new HashMap<>();
    // each event's operation, for the actions that act by it (api_sync)
    Map<Long, String> operations = new HashMap<>();
    Map<Long, String> dedupeKeys = new HashMap<>();
    for (EventLog.Event event : events) {
      ChangePayload payload = payloads.get(event.id());
      if (payload == null) {
        continue;
      }
      operations.put(event.id(), payload.operation());
      dedupeKeys.put(event.id(), event.dedupeKey());
      Map<String, Object> now = store.get(model, event.recordId());
      Map<String, Object> after =
          now == null || payload.operation().equals("unlink")
              ? null
              : overlay(now, payload.values(), event.recordId());
      if (after != null) {
        changed.put(event.id(), after);
      } else if (payload.operation().equals("unlink")) {
        changed.put(event.id(), deleted(payload, event.recordId()));
      }
      try {
        for (Rule rule : fired(matcher, model, event, payload, now, after, modelRules)) {
          firings
              .computeIfAbsent(rule, r -> new LinkedHashMap<>())
              .computeIfAbsent(
                  payload.chain().isEmpty() && payload.depth() == 0
                      ? Lineage.USER
                      : new Lineage(payload.chain(), payload.depth()),
                  l -> new LinkedHashMap<>())
              .put(event.recordId(), event.id());
        }
      } catch (RuntimeException e) {
        outcome.failed.put(event.id(), describe(e));
      }
    }
    if (firings.isEmpty()) {
      return;
    }
    Set<Long> eventIds = new LinkedHashSet<>();
    firings
        .values()
        .forEach(byLineage -> byLineage.values().forEach(m -> eventIds.addAll(m.values())));
    Map<Long, Set<String>> done = log.actionsDone(eventIds);
    for (Rule rule : modelRules) {
      Map<Lineage, Map<Long, Long>> byLineage = firings.get(rule);
      if (byLineage == null) {
        continue;
      }
      if (paused.test(rule.name())) {
        hold(rule, byLineage, outcome);
        continue;
      }
      for (Map.Entry<Lineage, Map<Long, Long>> e : byLineage.entrySet()) {
        run(
            database,
            client,
            ids,
            rule,
            model,
            e.getKey(),
            e.getValue(),
            done,
            new Changes(changed, operations, dedupeKeys),
            outcome);
      }
    }
    if (pushed != null) {
      forgetDeleted(client, model, events, outcome);
    }
  }

  /** The events a paused rule would fire on wait for it, the other rules' actions done. */
  private static void hold(Rule rule, Map<Lineage, Map<Long, Long>> byLineage, Outcome outcome) {
    for (Map<Long, Long> events : byLineage.values()) {
      for (Long event : events.values()) {
        outcome.held.computeIfAbsent(event, e -> new LinkedHashSet<>()).add(rule.name());
      }
    }
  }

  /**
   * Records matched on pushed values were not read, so a record deleted since its change is only
   * found out when an action on it fails: such a failure is no failure, as when the record is read
   * (the change of a record that no longer exists fires nothing).
   */
  private static void forgetDeleted(
      OdooClient client, String model, List<EventLog.Event> events, Outcome outcome) {
    Map<Long, Long> failedRecords = new LinkedHashMap<>();
    for (EventLog.Event event : events) {
      if (outcome.failed.containsKey(event.id())) {
        failedRecords.put(event.id(), event.recordId());
      }
    }
    if (failedRecords.isEmpty()) {
      return;
    }
    Set<Long> existing;
    try {
      existing =
          new java.util.HashSet<>(
              client
                  .withContext(Map.of("active_test", false))
                  .search(
                      model,
                      List.of(List.of("id", "in", new ArrayList<>(failedRecords.values())))));
    } catch (RuntimeException e) {
      return; // the failures stand and are retried; the next attempt reads the records
    }
    failedRecords.forEach(
        (event, id) -> {
          if (!existing.contains(id)) {
            LOG.info(
                "{} {} no longer exists; its change fires nothing ({})",
                model,
                id,
                outcome.failed.remove(event));
          }
        });
  }

  /**
   * The records of a group of writes as their events carry them, when every event carries each
   * field the write rules' domains and watched fields need (the addon pushes the values of those
   * fields as the write left them, which is what Odoo's own automation matches on): the group then
   * costs no read of Odoo. Null, so that the records are read, when an event lacks one of them, a
   * domain reaches related records, or the group holds anything but writes.
   */
  private static Map<Long, Map<String, Object>> pushedValues(
      BatchLoader loader,
      String model,
      List<Domain> writeDomains,
      Set<String> writeFields,
      List<EventLog.Event> events,
      Map<Long, ChangePayload> payloads) {
    List<EventLog.Event> writes = new ArrayList<>();
    for (EventLog.Event event : events) {
      ChangePayload payload = payloads.get(event.id());
      if (payload == null) {
        continue; // unreadable: parked, not processed
      }
      if (!payload.operation().equals("write")) {
        return null;
      }
      writes.add(event);
    }
    if (writes.isEmpty()) {
      return null;
    }
    // planned only for a group of writes: creates, deletions and messages are always read
    java.util.Optional<Set<String>> own = loader.ownFields(model, writeDomains);
    if (own.isEmpty()) {
      return null;
    }
    Set<String> needed = new LinkedHashSet<>(writeFields);
    needed.addAll(own.get());
    needed.remove("id");
    Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
    for (EventLog.Event event : writes) {
      Map<String, Object> values = payloads.get(event.id()).values();
      if (!values.keySet().containsAll(needed)) {
        return null;
      }
      Map<String, Object> record = new HashMap<>(values);
      record.put("id", event.recordId());
      out.put(event.recordId(), record); // a record's later change over its earlier one
    }
    return out;
  }

  /** The chain of rules behind a change and its depth. */
  private record Lineage(List<String> chain, int depth) {
    /** A user's change. */
    static final Lineage USER = new Lineage(List.of(), 0);
  }

  private List<Rule> fired(
      RuleMatcher matcher,
      String model,
      EventLog.Event event,
      ChangePayload payload,
      Map<String, Object> now,
      Map<String, Object> after,
      List<Rule> modelRules) {
    if (payload.depth() >= settings.maxDepth()) {
      LOG.warn(
          "{} {}: depth limit {} reached after rules {}; no rule fires",
          model,
          event.recordId(),
          settings.maxDepth(),
          payload.chain());
      return List.of();
    }
    List<Rule> candidates = modelRules;
    if (!payload.chain().isEmpty()) {
      candidates = new ArrayList<>();
      for (Rule rule : modelRules) {
        if (!payload.chain().contains(rule.name())) {
          candidates.add(rule);
        }
      }
    }
    long id = event.recordId();
    switch (payload.operation()) {
      case "webhook":
        return now == null
            ? List.of()
            : candidates.stream()
                .filter(r -> r.trigger() == Trigger.ON_WEBHOOK && r.name().equals(payload.rule()))
                .toList();
      case "timed":
        return now == null
            ? List.of()
            : candidates.stream()
                .filter(
                    r ->
                        io.odoosidecar.schedule.TimedRule.timed(r.trigger())
                            && r.name().equals(payload.rule()))
                .toList();
      case "message":
        return now == null ? List.of() : messageRules(matcher, model, payload, now, candidates);
      case "unlink":
        Map<String, Object> gone = new HashMap<>(payload.old());
        gone.put("id", id);
        return rules(
            matcher.match(
                new ChangeEvent(
                    model,
                    ChangeEvent.Operation.UNLINK,
                    List.of(id),
                    Set.of(),
                    Map.of(id, gone),
                    Map.of()),
                candidates));
      default:
        if (after == null) {
          LOG.info("{} {} no longer exists; its {} fires nothing", model, id, payload.operation());
          return List.of();
        }
        boolean create = payload.operation().equals("create");
        Map<String, Object> before = create ? after : overlay(after, payload.old(), id);
        return rules(
            matcher.match(
                new ChangeEvent(
                    model,
                    create ? ChangeEvent.Operation.CREATE : ChangeEvent.Operation.WRITE,
                    List.of(id),
                    payload.fieldSet(),
                    create ? Map.of() : Map.of(id, before),
                    Map.of(id, after)),
                candidates));
    }
  }

  /**
   * A deleted record as its deletion found it: the filter's fields (old values) and the snapshot of
   * the fields the actions read, which is all the actions can know of it.
   */
  private static Map<String, Object> deleted(ChangePayload payload, long id) {
    Map<String, Object> out = new HashMap<>(payload.old());
    out.putAll(payload.snapshot());
    out.put("id", id);
    return out;
  }

  /**
   * {@code base} with {@code top}'s values over it (a copy only when there is something over it).
   */
  private static Map<String, Object> overlay(
      Map<String, Object> base, Map<String, Object> top, long id) {
    if (top.isEmpty() && base.containsKey("id")) {
      return base;
    }
    Map<String, Object> out = new HashMap<>(base);
    out.putAll(top);
    out.put("id", id);
    return out;
  }

  /**
   * Odoo's {@code message_post} hook: no automation for internal messages, notifications, or
   * messages posted while an automation runs; {@code on_message_received} when the author is a
   * portal or public partner (or none), {@code on_message_sent} otherwise; the before-update domain
   * filters the records.
   */
  private static List<Rule> messageRules(
      RuleMatcher matcher,
      String model,
      ChangePayload payload,
      Map<String, Object> record,
      List<Rule> candidates) {
    Map<String, Object> message = payload.message();
    if (!payload.chain().isEmpty()
        || Boolean.TRUE.equals(message.get("is_internal"))
        || Boolean.TRUE.equals(message.get("subtype_internal"))
        || List.of("notification", "auto_comment", "user_notification")
            .contains(String.valueOf(message.get("message_type")))) {
      return List.of();
    }
    Trigger trigger =
        Boolean.FALSE.equals(message.get("author_share"))
            ? Trigger.ON_MESSAGE_SENT
            : Trigger.ON_MESSAGE_RECEIVED;
    List<Rule> out = new ArrayList<>();
    for (Rule rule : candidates) {
      if (rule.trigger() == trigger
          && matcher.matches(rule.filterPreDomain(), model, record, true)) {
        out.add(rule);
      }
    }
    return out;
  }

  private static List<Rule> rules(List<RuleMatcher.Firing> firings) {
    if (firings.isEmpty()) {
      return List.of();
    }
    List<Rule> out = new ArrayList<>(firings.size());
    for (RuleMatcher.Firing firing : firings) {
      out.add(firing.rule());
    }
    return out;
  }

  /**
   * What the events of a group changed, by event: the records as the change left them (a deleted
   * one as its deletion found it), the operations, and the dedupe keys (which name the event in the
   * keys of its posts).
   */
  private record Changes(
      Map<Long, Map<String, Object>> values,
      Map<Long, String> operations,
      Map<Long, String> dedupeKeys) {}

  private void run(
      String database,
      OdooClient client,
      ExternalIds ids,
      Rule rule,
      String model,
      Lineage lineage,
      Map<Long, Long> eventOf,
      Map<Long, Set<String>> done,
      Changes changes,
      Outcome outcome) {
    Map<Long, Map<String, Object>> known = new HashMap<>();
    Map<Long, Map<String, Object>> gone = new HashMap<>();
    Map<Long, String> operationOf = new HashMap<>();
    eventOf.forEach(
        (record, event) -> {
          Map<String, Object> values = changes.values().get(event);
          String operation = changes.operations().get(event);
          if (values != null) {
            known.put(record, values);
            if ("unlink".equals(operation)) {
              gone.put(record, values);
            }
          }
          if (operation != null) {
            operationOf.put(record, operation);
          }
        });
    List<String> chain = new ArrayList<>(lineage.chain());
    chain.add(rule.name());
    int depth = lineage.depth() + 1;
    Map<String, Object> marker = new LinkedHashMap<>();
    marker.put("chain", chain);
    marker.put("depth", depth);
    CallRecorder recorder = new CallRecorder(client.withContext(Map.of(CONTEXT_KEY, marker)));
    OdooClient marked = recorder;
    ActionContext.Builder builder = ActionContext.builder(marked, ids);
    // asked of Odoo (unmarked, outside the run's calls) once a post needs its key
    PostKeys keys =
        PostKeys.of(database, changes.dedupeKeys()::get, () -> postKeys.honoured(database, client));
    if (sync != null) {
      builder.service(io.odoosidecar.sync.SyncEngine.class, sync.using(marked));
    }
    if (syncConfigs != null) {
      builder.service(io.odoosidecar.sync.SyncConfigLookup.class, syncConfigs);
    }
    if (outbound != null) {
      builder.service(io.odoosidecar.sync.SyncOutbound.class, outbound.through(marked));
    }
    ActionContext runner =
        builder
            .registry(actions)
            .clock(clock)
            .python(python)
            .known(known)
            .deleted(gone)
            .postKeys(keys)
            .journals(target -> journal(target, keys))
            .webhooks(webhooks)
            .build();
    RunTrace trace = new RunTrace(rule, database, model, eventOf, clock.instant());
    Scope scope = new Scope(database, model, rule, eventOf, operationOf, chain, depth);
    org.slf4j.MDC.put("rule", rule.name());
    if (eventOf.size() == 1) {
      Map.Entry<Long, Long> only = eventOf.entrySet().iterator().next();
      org.slf4j.MDC.put("record", Long.toString(only.getKey()));
      org.slf4j.MDC.put("event", Long.toString(only.getValue()));
    }
    try {
      for (int i = 0; i < rule.actions().size(); i++) {
        List<Long> pending = pending(rule, i, eventOf, done, outcome);
        if (pending.isEmpty()) {
          continue;
        }
        long start = System.nanoTime();
        runAction(scope, i, pending, runner, outcome, trace);
        trace.action(i, rule.actions().get(i), pending, System.nanoTime() - start, recorder.take());
      }
    } finally {
      org.slf4j.MDC.remove("rule");
      org.slf4j.MDC.remove("record");
      org.slf4j.MDC.remove("event");
    }
    if (trace.ran()) {
      outcome.traces.add(trace); // told once the batch is settled: a failure may yet be forgiven
    }
  }

  /** One rule's firing over a batch: where, which records by event, and the chain it extends. */
  private record Scope(
      String database,
      String model,
      Rule rule,
      Map<Long, Long> eventOf,
      Map<Long, String> operationOf,
      List<String> chain,
      int depth) {}

  /** The records whose events still need action {@code index} of the rule. */
  private static List<Long> pending(
      Rule rule, int index, Map<Long, Long> eventOf, Map<Long, Set<String>> done, Outcome outcome) {
    String key = rule.name() + "#" + index;
    List<Long> pending = new ArrayList<>();
    for (Map.Entry<Long, Long> e : eventOf.entrySet()) {
      long event = e.getValue();
      if (!outcome.settled(event) && !done.getOrDefault(event, Set.of()).contains(key)) {
        pending.add(e.getKey());
      }
    }
    return pending;
  }

  /** How an event was settled so far, as a run's result names it; null while it is not. */
  private static String settledAs(Outcome outcome, Long event, int maxAttempts) {
    if (event == null) {
      return null;
    }
    if (outcome.poisoned.containsKey(event)) {
      return "parked";
    }
    if (outcome.failed.containsKey(event)) {
      return outcome.attempts.getOrDefault(event, 0) + 1 >= maxAttempts ? "parked" : "failed";
    }
    return outcome.unavailable.containsKey(event) ? "waiting" : null;
  }

  /**
   * Runs one action over the pending records: batched, then record by record when the batch fails
   * in a way a smaller try may avoid.
   */
  private void runAction(
      Scope scope,
      int i,
      List<Long> pending,
      ActionContext runner,
      Outcome outcome,
      RunTrace trace) {
    String database = scope.database();
    String model = scope.model();
    Rule rule = scope.rule();
    Map<Long, Long> eventOf = scope.eventOf();
    Map<Long, String> operationOf = scope.operationOf();
    List<String> chain = scope.chain();
    int depth = scope.depth();
    String key = rule.name() + "#" + i;
    Map<String, Object> action = rule.actions().get(i);
    try {
      String result = runner.run(target(rule, i, action, model, pending, eventOf, operationOf));
      record(database, model, pending, eventOf, key, result, chain, depth);
    } catch (PartialFailureException partial) {
      trace.failure(partial);
      // the action ran record by record: keep what it did, fail only the rest
      if (!partial.done().isEmpty()) {
        record(database, model, partial.done(), eventOf, key, "done", chain, depth);
      }
      for (Map.Entry<Long, String> failure : partial.failed().entrySet()) {
        String error = "rule '" + rule.name() + "', action " + i + ": " + failure.getValue();
        if (partial.finals().contains(failure.getKey())) {
          outcome.poisoned.put(eventOf.get(failure.getKey()), error); // refused for good
        } else {
          outcome.failed.put(eventOf.get(failure.getKey()), error);
        }
      }
    } catch (RuntimeException batchFailure) {
      if (pending.size() == 1 || !retriableAlone(batchFailure)) {
        trace.failure(batchFailure);
        mark(outcome, pending, eventOf, batchFailure, rule, i);
        return;
      }
      if (batchFailure instanceof io.odoosidecar.script.PythonEngine.ScriptException script
          && script.changes() > 0) {
        LOG.info(
            "rule '{}', action {}: code failed on {} {} after {} calls that change data, which"
                + " stay done; each record is run again alone, and those calls are answered"
                + " from the call journal rather than made again: {}",
            rule.name(),
            i,
            pending.size(),
            model,
            script.changes(),
            batchFailure.getMessage());
      }
      for (Long id : pending) {
        try {
          String result =
              runner.run(target(rule, i, action, model, List.of(id), eventOf, operationOf));
          record(database, model, List.of(id), eventOf, key, result, chain, depth);
        } catch (RuntimeException alone) {
          trace.failure(alone);
          mark(outcome, List.of(id), eventOf, alone, rule, i);
        }
      }
    }
  }

  /**
   * The call journal of an action's attempt on {@code target}'s records, which also keys the posts
   * of its code ({@link PostKeys}): without a journal, every call is made again, unkeyed.
   */
  private io.odoosidecar.script.CallJournal journal(ActionTarget target, PostKeys keys) {
    io.odoosidecar.store.JournaledCalls calls = journal;
    return calls == null
        ? io.odoosidecar.script.CallJournal.NONE
        : ActionJournal.of(calls, target, keys);
  }

  private static ActionTarget target(
      Rule rule,
      int index,
      Map<String, Object> action,
      String model,
      List<Long> ids,
      Map<Long, Long> eventOf,
      Map<Long, String> operationOf) {
    return new ActionTarget(rule, String.valueOf(index), action, model, ids, eventOf, operationOf);
  }

  /**
   * A failure that another try with fewer records may avoid (not an unsupported action, nor code
   * stopped by the time-out: each record alone would spend the time-out again).
   */
  private static boolean retriableAlone(RuntimeException e) {
    return !(e instanceof UnsupportedActionException)
        && !unreachable(e)
        && !(e instanceof io.odoosidecar.script.PythonEngine.ScriptException script
            && script.timedOut());
  }

  private void record(
      String database,
      String model,
      List<Long> ids,
      Map<Long, Long> eventOf,
      String key,
      String result,
      List<String> chain,
      int depth) {
    List<Long> events = ids.stream().map(eventOf::get).toList();
    log.markActionDone(events, key, result);
    if (effects != null) {
      effects.wrote(database, model, ids, chain, depth);
    }
  }

  private static void mark(
      Outcome outcome,
      List<Long> ids,
      Map<Long, Long> eventOf,
      RuntimeException e,
      Rule rule,
      int index) {
    String error = "rule '" + rule.name() + "', action " + index + ": " + describe(e);
    for (Long id : ids) {
      Long event = eventOf.get(id);
      if (unreachable(e)) {
        outcome.unavailable.put(event, error);
      } else if (e instanceof UnsupportedActionException
          || e instanceof PartialFailureException partial && partial.finals().contains(id)) {
        outcome.poisoned.put(event, error);
      } else {
        outcome.failed.put(event, error);
      }
    }
  }

  private DomainExpression.Context context(String database, OdooClient client, ExternalIds ids) {
    long uid = uids.computeIfAbsent(database, db -> client.authenticate());
    return DomainExpression.Context.of(
        uid, clock.instant(), xmlId -> ids.resolve(xmlId).orElse(null));
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
