package io.odoosidecar.sync;

import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.script.OutboundSync;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * BJET's {@code _make_outbound_http_request} served by the sync engine, for one Odoo connection:
 * the config a code action names is found, its records synced with the operation {@code write}, and
 * each record's result answered.
 *
 * <p>A config is named as BJET's code names its {@code bj.api.sync.config} record: by the sidecar
 * config's name, by the record's id, or by its external id ({@code module.name}); a record is read
 * from that Odoo ({@code name}) and stands for the sidecar config of the same name.
 *
 * <p>A code action run by the pipeline is given {@code through(itsClient).forEvents(eventOf)} (see
 * {@link io.odoosidecar.script.PythonEngine}'s {@code run} taking an {@link OutboundSync}).
 *
 * <p>Implementation notes: a record of {@link #forEvents}' map is keyed as the {@code api_sync}
 * action keys it, {@link IdempotencyKeys#of} its own event, the config and itself, so that any
 * rerun of that event (whole, record by record, after a restart, replayed) sends the same key.
 * Other records get {@link IdempotencyKeys#adHoc} of a run id: {@link #forRun}'s for every call of
 * a run; the instance itself, which a Python engine holds for every run, knows no run, and takes a
 * random run id per call.
 */
public final class SyncOutbound implements OutboundSync {
  /** The model of BJET's sync configs in Odoo. */
  public static final String CONFIG_MODEL = "bj.api.sync.config";

  private final Supplier<List<SyncConfig>> configs;
  private final SyncEngine engine;
  private final OdooClient client;
  private final Supplier<String> runIds;
  private final Map<Long, Long> eventOf;
  private final String eventModel;

  /**
   * @param configs the sync configs in force (the rule registry's snapshot)
   * @param engine the engine syncing through this connection's client
   * @param client the connection's client, where {@code bj.api.sync.config} records are read
   */
  public SyncOutbound(Supplier<List<SyncConfig>> configs, SyncEngine engine, OdooClient client) {
    this(configs, engine, client, () -> UUID.randomUUID().toString(), null, Map.of());
  }

  private SyncOutbound(
      Supplier<List<SyncConfig>> configs,
      SyncEngine engine,
      OdooClient client,
      Supplier<String> runIds,
      String eventModel,
      Map<Long, Long> eventOf) {
    this.configs = configs;
    this.engine = engine;
    this.client = client;
    this.runIds = runIds;
    this.eventModel = eventModel;
    this.eventOf = Map.copyOf(eventOf);
  }

  /**
   * The same sync reading, writing back and resolving configs through another client (a firing's,
   * whose context marks the write-backs as the sidecar's), its engine a view sharing pools, signers
   * and log.
   */
  public SyncOutbound through(OdooClient other) {
    return new SyncOutbound(configs, engine.using(other), other, runIds, eventModel, eventOf);
  }

  /** The same sync, every call's keys derived from {@code runId}. */
  public SyncOutbound forRun(String runId) {
    return new SyncOutbound(configs, engine, client, () -> runId, eventModel, eventOf);
  }

  /**
   * The same sync, each record of {@code model} in {@code eventOf} keyed by its own event ({@link
   * IdempotencyKeys#of}), as the {@code api_sync} action keys it; records of other models by the
   * run.
   */
  public SyncOutbound forEvents(String model, Map<Long, Long> eventOf) {
    return new SyncOutbound(configs, engine, client, runIds, model, eventOf);
  }

  @Override
  public List<Answer> call(String model, List<Long> ids, Object configRef, Duration timeout) {
    SyncConfig config = withTimeout(resolve(configRef), timeout);
    if (model != null && !model.equals(config.model())) {
      throw new IllegalArgumentException(
          "records of "
              + model
              + ", but sync config '"
              + config.name()
              + "' syncs "
              + config.model());
    }
    String runId = runIds.get();
    Map<Long, String> keys = new java.util.LinkedHashMap<>();
    ids.forEach(id -> keys.put(id, key(runId, config, id)));
    SyncReport report =
        engine.sync(new SyncRequest(config, "write", config.model(), ids, Map.of(), keys, false));
    return report.results().stream().map(SyncOutbound::answer).toList();
  }

  private String key(String runId, SyncConfig config, long id) {
    Long event = config.model().equals(eventModel) ? eventOf.get(id) : null;
    return event == null
        ? IdempotencyKeys.adHoc(runId, config.name(), id)
        : IdempotencyKeys.of(event, config.name(), id);
  }

  private static Answer answer(SyncReport.RecordResult r) {
    return new Answer(r.id(), r.success(), r.statusCode(), r.response(), r.error());
  }

  /** The config a code action names; fails naming what was tried and the configs known. */
  SyncConfig resolve(Object ref) {
    List<SyncConfig> known = configs.get();
    if (ref instanceof String name) {
      Optional<SyncConfig> byName = byName(known, name);
      if (byName.isPresent()) {
        return byName.get();
      }
      if (!ExternalIds.looksLikeXmlId(name)) {
        throw unknown("no sync config is named '" + name + "'", known);
      }
      Optional<Long> id = xmlId(name);
      if (id.isEmpty()) {
        throw unknown(
            "'"
                + name
                + "' is neither a sync config's name nor an external id of a "
                + CONFIG_MODEL
                + " record in "
                + client.database(),
            known);
      }
      return byRecord(
          id.get(), "external id '" + name + "' (" + CONFIG_MODEL + " " + id.get() + ")", known);
    }
    if (ref instanceof Number id) {
      return byRecord(id.longValue(), CONFIG_MODEL + " " + id, known);
    }
    throw unknown("config_id_ref " + ref + " is not a name, an id nor an external id", known);
  }

  private SyncConfig byRecord(long id, String what, List<SyncConfig> known) {
    List<OdooRecord> rows = client.read(CONFIG_MODEL, List.of(id), List.of("name"));
    if (rows.isEmpty()) {
      throw unknown(what + " not found in " + client.database(), known);
    }
    String name = rows.get(0).string("name").orElse("");
    return byName(known, name)
        .orElseThrow(
            () -> unknown(what + " is named '" + name + "', and no sync config is", known));
  }

  private Optional<Long> xmlId(String xmlId) {
    int dot = xmlId.indexOf('.');
    List<OdooRecord> rows =
        client.searchRead(
            "ir.model.data",
            List.of(
                List.of("module", "=", xmlId.substring(0, dot)),
                List.of("name", "=", xmlId.substring(dot + 1)),
                List.of("model", "=", CONFIG_MODEL)),
            List.of("res_id"),
            SearchOptions.limit(1));
    return rows.isEmpty() ? Optional.empty() : rows.get(0).integer("res_id");
  }

  private static Optional<SyncConfig> byName(List<SyncConfig> known, String name) {
    return known.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  private static IllegalArgumentException unknown(String why, List<SyncConfig> known) {
    return new IllegalArgumentException(
        "unknown sync config: "
            + why
            + "; the sync configs known are "
            + (known.isEmpty()
                ? "none"
                : String.join(", ", known.stream().map(c -> "'" + c.name() + "'").toList())));
  }

  /** The config with another read time-out, when the code gives one. */
  static SyncConfig withTimeout(SyncConfig c, Duration timeout) {
    if (timeout == null || timeout.equals(c.readTimeout())) {
      return c;
    }
    return new SyncConfig(
        c.name(),
        c.model(),
        c.filterDomain(),
        c.urls(),
        c.methods(),
        c.headers(),
        c.params(),
        c.connectTimeout(),
        timeout,
        c.auth(),
        c.mapping(),
        c.batch(),
        c.batchKey(),
        c.response(),
        c.status(),
        c.retry(),
        c.concurrency(),
        c.on(),
        c.triggerFields(),
        c.unlinkBody());
  }
}
