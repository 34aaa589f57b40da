package io.odoosidecar.action;

import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.script.CallJournal;
import io.odoosidecar.script.PythonEngine;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the actions of one rule firing share: the Odoo client (its context marks the writes as the
 * sidecar's), external ids, the clock, the Python engine, the call journals, the keys of its posts,
 * the values the change left, the webhook settings, other services by type, and the registry the
 * actions run through.
 *
 * <p>A context serves one firing at a time, on one thread: the values the change left ({@link
 * #known}) go to the first action run only, since once an action ran the records may have changed
 * and are read again.
 */
public final class ActionContext {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ActionContext.class);
  private final OdooClient client;
  private final ExternalIds refs;
  private final ActionRegistry registry;
  private final Clock clock;
  private final PythonEngine python;
  private final Function<ActionTarget, CallJournal> journals;
  private final WebhookSettings webhooks;
  private final Map<Class<?>, Object> services;
  private final RecordRefs records;
  private final Map<Long, Map<String, Object>> deleted;
  private final PostKeys postKeys;
  private Map<Long, Map<String, Object>> known;

  private ActionContext(Builder builder) {
    this.client = builder.client;
    this.refs = builder.refs;
    this.registry = builder.registry;
    this.clock = builder.clock;
    this.python = builder.python;
    this.journals = builder.journals;
    this.webhooks = builder.webhooks;
    this.services = Map.copyOf(builder.services);
    this.known = builder.known;
    this.deleted = builder.deleted;
    this.postKeys = builder.postKeys;
    this.records = new RecordRefs(refs);
  }

  /**
   * A context's builder; by default the standard actions, the UTC clock, no Python engine, no
   * journals, no known values, {@link WebhookSettings#defaults()}.
   *
   * @param client the client the actions call Odoo with
   * @param refs external ids, resolved through the same Odoo
   */
  public static Builder builder(OdooClient client, ExternalIds refs) {
    return new Builder(client, refs);
  }

  /**
   * Runs an action through the registry by its {@code state}; returns a short account of what it
   * did. Parents ({@code multi}) run their children through here too.
   *
   * @throws UnsupportedActionException for a kind the registry has no executor for
   */
  public String run(ActionTarget target) {
    try {
      ActionExecutor executor = registry.executor(target);
      if (!target.ids().isEmpty()
          && deleted.keySet().containsAll(target.ids())
          && DeletedRecords.writesOnTheRecord(target.action())) {
        LOG.info(
            "{}: {} on deleted {} {} skipped: the record no longer exists",
            target.where(),
            target.state(),
            target.model(),
            target.ids());
        return "skipped on " + target.ids().size() + " deleted " + target.model();
      }
      return executor.run(this, target);
    } finally {
      // an action may have changed the records: what follows reads them again
      known = Map.of();
    }
  }

  /** The client the actions call Odoo with. */
  public OdooClient client() {
    return client;
  }

  /** External ids, resolved through the same Odoo. */
  public ExternalIds refs() {
    return refs;
  }

  /** The clock giving today, for activity deadlines (UTC). */
  public Clock clock() {
    return clock;
  }

  /** The registry actions run through. */
  public ActionRegistry registry() {
    return registry;
  }

  /** How webhooks are sent. */
  public WebhookSettings webhooks() {
    return webhooks;
  }

  /**
   * The Python engine for code actions and expressions.
   *
   * @throws UnsupportedActionException when the engine is off
   */
  public PythonEngine python() {
    if (python == null) {
      throw new UnsupportedActionException("Python code needs the Python engine, which is off");
    }
    return python;
  }

  /** Where a code action on {@code target} finds the calls of earlier attempts, and notes its. */
  public CallJournal journal(ActionTarget target) {
    return journals.apply(target);
  }

  /** The idempotency keys of the firing's message posts and template emails. */
  public PostKeys postKeys() {
    return postKeys;
  }

  /** A service the builder was given, by type, if any. */
  public <T> java.util.Optional<T> findService(Class<T> type) {
    return java.util.Optional.ofNullable(services.get(type)).map(type::cast);
  }

  /**
   * A service the builder was given, by type (what an action kind needs beyond the shared pieces).
   *
   * @throws UnsupportedActionException when there is none
   */
  public <T> T service(Class<T> type) {
    Object service = services.get(type);
    if (service == null) {
      throw new UnsupportedActionException(
          "the action needs a " + type.getSimpleName() + ", which is not configured");
    }
    return type.cast(service);
  }

  /**
   * The stored fields of these records as the change left them, in {@code read(load='')} form;
   * empty once an action ran.
   */
  public Map<Long, Map<String, Object>> known(String model, java.util.List<Long> ids) {
    if (known.isEmpty()) {
      return Map.of();
    }
    return KnownValues.stored(client.fieldsGet(model), known, ids);
  }

  /**
   * The deleted records among {@code ids} as their deletion found them (the old values of the
   * rule's fields and the snapshot of those its actions read, with {@code id}) in {@code
   * read(load='')} form, stored fields or not (nothing can read them now); unlike {@link #known},
   * kept for every action of the firing (a deleted record does not change).
   */
  public Map<Long, Map<String, Object>> deleted(String model, java.util.List<Long> ids) {
    if (deleted.isEmpty()) {
      return Map.of();
    }
    Map<Long, Map<String, Object>> out =
        new LinkedHashMap<>(KnownValues.all(client.fieldsGet(model), deleted, ids));
    out.replaceAll(
        (id, row) -> {
          Map<String, Object> withId = new LinkedHashMap<>(row);
          withId.put("id", id);
          return withId;
        });
    return out;
  }

  /** Whether the firing's change of the record was its deletion. */
  public boolean isDeleted(long id) {
    return deleted.containsKey(id);
  }

  /**
   * A field of a model.
   *
   * @throws IllegalArgumentException when the model has no such field
   */
  public FieldInfo field(String model, String name) {
    FieldInfo field = client.fieldsGet(model).get(name);
    if (field == null) {
      throw new IllegalArgumentException("model " + model + " has no field " + name);
    }
    return field;
  }

  /** A record given by id or external id; {@code key} names where, in the error. */
  public long recordId(Object raw, String key) {
    return records.id(raw, key);
  }

  /** A record given by id, by external id, or as Odoo's reference {@code model,id}. */
  public long reference(Object raw, FieldInfo field) {
    return records.reference(raw, field);
  }

  /** Builds an {@link ActionContext}. */
  public static final class Builder {
    private final OdooClient client;
    private final ExternalIds refs;
    private ActionRegistry registry = ActionRegistry.standard();
    private Clock clock = Clock.systemUTC();
    private PythonEngine python;
    private Function<ActionTarget, CallJournal> journals = target -> CallJournal.NONE;
    private Map<Long, Map<String, Object>> known = Map.of();
    private Map<Long, Map<String, Object>> deleted = Map.of();
    private WebhookSettings webhooks = WebhookSettings.defaults();
    private PostKeys postKeys = PostKeys.NONE;
    private final Map<Class<?>, Object> services = new LinkedHashMap<>();

    private Builder(OdooClient client, ExternalIds refs) {
      this.client = Objects.requireNonNull(client, "client");
      this.refs = Objects.requireNonNull(refs, "refs");
    }

    /** The executors by kind. */
    public Builder registry(ActionRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The clock giving today, for activity deadlines (UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The Python engine for code actions and expressions; null: such actions are refused. */
    public Builder python(PythonEngine python) {
      this.python = python;
      return this;
    }

    /**
     * Where code actions find the calls that earlier attempts on the same events made, and write
     * down theirs (see {@link CallJournal}); none by default.
     */
    public Builder journals(Function<ActionTarget, CallJournal> journals) {
      this.journals = Objects.requireNonNull(journals, "journals");
      return this;
    }

    /**
     * The values of the rule's records as the change left them (as read or as pushed, by id):
     * Python code and expressions take their stored fields as read, as Odoo's automation sees the
     * record in the transaction of the change, and need no read of Odoo for them. Only the first
     * action run takes them.
     */
    public Builder known(Map<Long, Map<String, Object>> known) {
      this.known = Objects.requireNonNull(known, "known");
      return this;
    }

    /**
     * The records the change deleted, as their deletion found them (old values, snapshot, id), by
     * id: kept for every action; an action that would write on such a record itself is skipped.
     */
    public Builder deleted(Map<Long, Map<String, Object>> deleted) {
      this.deleted = Map.copyOf(Objects.requireNonNull(deleted, "deleted"));
      return this;
    }

    /**
     * The idempotency keys the firing's posts carry to Odoo ({@link PostKeys#NONE} by default:
     * posts are made without a key).
     */
    public Builder postKeys(PostKeys postKeys) {
      this.postKeys = Objects.requireNonNull(postKeys, "postKeys");
      return this;
    }

    /** How webhooks are sent. */
    public Builder webhooks(WebhookSettings webhooks) {
      this.webhooks = Objects.requireNonNull(webhooks, "webhooks");
      return this;
    }

    /** A service an action kind asks for by type ({@link ActionContext#service}). */
    public <T> Builder service(Class<T> type, T service) {
      services.put(type, Objects.requireNonNull(service, type.getSimpleName()));
      return this;
    }

    public ActionContext build() {
      return new ActionContext(this);
    }
  }
}
