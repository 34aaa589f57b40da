package io.odoosidecar.sync;

import io.odoosidecar.http.Attempt;
import io.odoosidecar.http.Outcome;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.script.PythonEngine;
import io.odoosidecar.sync.SyncReport.BuiltCall;
import io.odoosidecar.sync.SyncReport.RecordResult;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs records to an external API as a {@link SyncConfig} says: reads what the mapping needs from
 * Odoo (one {@code read} per model and relation hop for the whole request, values already known not
 * read again), builds the calls, sends them {@code concurrency} at a time with retries, writes the
 * answers' values and the status back onto the records, and logs every attempt.
 *
 * <p>Implementation notes: each config has its own bounded pool of {@code concurrency} threads
 * (kept by name, made on first use, replaced and the old one shut down once idle when a reload
 * changes the concurrency), so a slow API never holds another config's requests; the caller waits
 * for its request's calls. A record given twice in one request is sent once (its values are read
 * once). Problems of one record (a missing record, an empty URL placeholder) fail that record only;
 * problems of the config against Odoo (an unknown field) fail them all. A deletion's {@code DELETE}
 * answered 404 or 410 is a success: the record is already gone there.
 */
public final class SyncEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

  private final OdooClient client;
  private final RetryingSender sender;
  private final Function<SyncConfig, Signer> signers;
  private final PythonEngine python;
  private final SyncLogSink log;
  private final Clock clock;
  private final Map<String, Pool> pools;
  private final boolean owner;

  /**
   * @param client the Odoo client reads and write-backs go through (its context marks the writes as
   *     the sidecar's)
   * @param sender sends the calls with retries
   * @param signers the signer of each config (its {@code auth})
   * @param python evaluates python lines; null when the Python engine is off
   * @param log where attempts are logged; null for none
   * @param clock the time written as last success and logged
   */
  public SyncEngine(
      OdooClient client,
      RetryingSender sender,
      Function<SyncConfig, Signer> signers,
      PythonEngine python,
      SyncLogSink log,
      Clock clock) {
    this(client, sender, signers, python, log, clock, new ConcurrentHashMap<>(), true);
  }

  private SyncEngine(
      OdooClient client,
      RetryingSender sender,
      Function<SyncConfig, Signer> signers,
      PythonEngine python,
      SyncLogSink log,
      Clock clock,
      Map<String, Pool> pools,
      boolean owner) {
    this.client = client;
    this.sender = sender;
    this.signers = signers;
    this.python = python;
    this.log = log;
    this.clock = clock;
    this.pools = pools;
    this.owner = owner;
  }

  /** An engine whose signers are the configs' auths' (built once per config and kept). */
  public SyncEngine(
      OdooClient client, RetryingSender sender, PythonEngine python, SyncLogSink log, Clock clock) {
    this(client, sender, new Signers(clock, sender), python, log, clock);
  }

  /**
   * This engine reading and writing back through another client (the pipeline's, whose context
   * marks the writes as the sidecar's so that they fire no rule): it shares the pools, the signers
   * (and their tokens), the sender, the Python engine, the log and the clock. Closing the view
   * leaves the shared pools running; the engine it came from closes them.
   */
  public SyncEngine using(OdooClient other) {
    return new SyncEngine(
        java.util.Objects.requireNonNull(other, "client"),
        sender,
        signers,
        python,
        log,
        clock,
        pools,
        false);
  }

  /**
   * Syncs the records of a request; never throws for a record's or an API's failure.
   *
   * @throws OdooException a retriable one when Odoo cannot be reached while the records are read:
   *     nothing was sent, and the caller (the pipeline) tries again later without spending an
   *     attempt
   */
  public SyncReport sync(SyncRequest request) {
    List<Long> ids = new ArrayList<>(new LinkedHashSet<>(request.ids()));
    Prepared prepared;
    try {
      prepared = prepare(request, ids);
    } catch (RuntimeException e) {
      if (e instanceof OdooException oe && oe.retriable()) {
        throw oe;
      }
      String error = "sync '" + request.config().name() + "': " + e.getMessage();
      return new SyncReport(ids.stream().map(id -> failed(id, error)).toList(), List.of());
    }
    List<BuiltCall> built = prepared.calls.stream().map(SyncEngine::built).toList();
    if (request.dryRun()) {
      return new SyncReport(dryResults(ids, prepared), built);
    }
    Map<Long, RecordResult> results = send(request, prepared);
    prepared.failures.forEach(results::putIfAbsent);
    return new SyncReport(ids.stream().map(results::get).toList(), built);
  }

  /**
   * The fields a delete cannot go without when a deleted record's snapshot lacks them: those of its
   * URL and identifier, and, when it carries a body, every mapped one (null: all of them).
   */
  private static Set<String> deleteNeeds(SyncConfig config, String template) {
    if (config.unlinkBody()) {
      return null;
    }
    Set<String> needed = new java.util.HashSet<>();
    UrlTemplate.fields(template).stream()
        .filter(f -> !f.equals(UrlTemplate.IDENTIFIER))
        .forEach(f -> needed.add(f.split("\\.", 2)[0]));
    String identifier = config.identifier().field();
    if (identifier != null) {
      needed.add(identifier.split("\\.", 2)[0]);
    }
    return needed;
  }

  /** The records read, the bodies built, the calls planned; records that failed already. */
  private record Prepared(
      Map<Long, Map<String, Object>> bodies,
      List<SyncCalls.Planned> calls,
      Map<Long, RecordResult> failures) {}

  private Prepared prepare(SyncRequest request, List<Long> ids) {
    SyncConfig config = request.config();
    ReadTree root = new ReadTree(config.model(), client::fieldsGet);
    BodyBuilder.plan(root, config.mapping());
    if (!request.model().equals(config.model())) {
      throw new IllegalArgumentException(
          "records of " + request.model() + ", the config syncs " + config.model());
    }
    String template = config.url(request.operation());
    UrlTemplate.fields(template).stream()
        .filter(f -> !f.equals(UrlTemplate.IDENTIFIER))
        .forEach(root::need);
    root.load(client, ids, request.known(), request.operation().equals("unlink"));
    Map<Long, RecordResult> failures = new LinkedHashMap<>();
    List<Long> present = new ArrayList<>();
    Set<String> needed = deleteNeeds(config, template);
    for (Long id : ids) {
      List<String> lacking =
          root.lacking(id).stream().filter(f -> needed == null || needed.contains(f)).toList();
      if (!root.has(id)) {
        failures.put(id, failed(id, "record " + config.model() + " " + id + " not found"));
      } else if (!lacking.isEmpty()) {
        failures.put(id, failed(id, unknownOfDeleted(config, id, lacking)));
      } else {
        present.add(id);
      }
    }
    Map<Long, Map<String, Object>> bodies =
        present.isEmpty()
            ? Map.of()
            : new BodyBuilder(root, python(request, root)).build(present, config.mapping());
    Map<Long, URI> urls = new LinkedHashMap<>();
    for (Long id : present) {
      try {
        urls.put(
            id,
            UrlTemplate.expand(template, placeholder(config, root, id, bodies), config.params()));
      } catch (IllegalArgumentException e) {
        failures.put(id, failed(id, e.getMessage()));
      }
    }
    List<SyncCalls.Planned> calls =
        new SyncCalls(config, request.operation()).plan(urls, bodies, request.idempotencyKeys());
    return new Prepared(bodies, calls, failures);
  }

  private static String unknownOfDeleted(SyncConfig config, long id, List<String> lacking) {
    return "deleted record "
        + config.model()
        + " "
        + id
        + " came without the field"
        + (lacking.size() == 1 ? " '" : "s '")
        + String.join("', '", lacking)
        + "' the mapping or URL needs (not in its deletion's snapshot): not sent";
  }

  /** A placeholder's value: a field's, or {@code identifier}: the Record Identifier as sent. */
  private static Function<String, Object> placeholder(
      SyncConfig config, ReadTree root, long id, Map<Long, Map<String, Object>> bodies) {
    return f ->
        f.equals(UrlTemplate.IDENTIFIER)
            ? BodyBuilder.get(bodies.get(id), config.identifier().key())
            : root.value(id, f);
  }

  private BodyBuilder.Python python(SyncRequest request, ReadTree root) {
    return (line, ids, variables) -> {
      if (python == null) {
        throw new IllegalStateException(
            "mapping '" + line.key() + "' is python, and the Python engine is off");
      }
      Map<Long, Map<String, Object>> known = new LinkedHashMap<>();
      root.rows()
          .forEach(
              (id, row) -> {
                Map<String, Object> values = new LinkedHashMap<>();
                row.forEach((f, v) -> values.put(f, Values.loadless(v)));
                known.put(id, values);
              });
      return python.evaluate(
          line.expression(), client, client.authenticate(), root.model(), ids, known, variables);
    };
  }

  private List<RecordResult> dryResults(List<Long> ids, Prepared prepared) {
    List<RecordResult> out = new ArrayList<>();
    for (Long id : ids) {
      RecordResult failure = prepared.failures.get(id);
      out.add(
          failure != null
              ? failure
              : new RecordResult(id, true, 0, prepared.bodies.get(id), "dry run: not sent", false));
    }
    return out;
  }

  private Map<Long, RecordResult> send(SyncRequest request, Prepared prepared) {
    SyncConfig config = request.config();
    Signer signer = signers.apply(config);
    List<CompletableFuture<Map<Long, RecordResult>>> futures = new ArrayList<>();
    for (SyncCalls.Planned call : prepared.calls) {
      futures.add(submit(config, () -> sendOne(request, call, signer, prepared.bodies)));
    }
    Map<Long, RecordResult> results = new LinkedHashMap<>();
    futures.forEach(f -> results.putAll(f.join()));
    writeBack(request, results);
    return results;
  }

  private Map<Long, RecordResult> sendOne(
      SyncRequest request,
      SyncCalls.Planned call,
      Signer signer,
      Map<Long, Map<String, Object>> bodies) {
    Outcome outcome;
    try {
      outcome =
          sender.send(
              call.call(),
              request.config().retry(),
              signer,
              attempt -> logAttempt(request, call, attempt));
    } catch (RuntimeException e) {
      String error = "not sent: " + masked(request.config(), e.getMessage());
      Map<Long, RecordResult> out = new LinkedHashMap<>();
      call.ids().forEach(id -> out.put(id, failed(id, error)));
      return out;
    }
    return results(request, call, outcome, bodies);
  }

  private static Map<Long, RecordResult> results(
      SyncRequest request,
      SyncCalls.Planned call,
      Outcome outcome,
      Map<Long, Map<String, Object>> bodies) {
    SyncConfig config = request.config();
    Object answer = outcome.answer() == null ? null : Answers.decode(outcome.answer().body());
    int status = outcome.status();
    Map<Long, RecordResult> out = new LinkedHashMap<>();
    if (alreadyGone(request, call, outcome)) {
      call.ids()
          .forEach(id -> out.put(id, new RecordResult(id, true, status, answer, null, false)));
      return out;
    }
    if (outcome instanceof Outcome.Success) {
      Answers.match(config, call.ids(), bodies, answer)
          .forEach(
              (id, part) ->
                  out.put(
                      id,
                      part instanceof Answers.Missing missing
                          ? new RecordResult(id, false, status, answer, missing.error(), false)
                          : new RecordResult(id, true, status, part, null, false)));
      return out;
    }
    boolean rejected = outcome instanceof Outcome.Rejected;
    String error =
        rejected
            ? "rejected with HTTP " + status + ": " + shortText(config, outcome)
            : "every attempt failed: " + masked(config, ((Outcome.Exhausted) outcome).lastError());
    call.ids()
        .forEach(id -> out.put(id, new RecordResult(id, false, status, answer, error, rejected)));
    return out;
  }

  /**
   * Whether a deletion's DELETE was answered 404 or 410: the record is not (or no longer) there at
   * the API, which is what the deletion wanted, so it counts as done rather than as a rejection.
   */
  private static boolean alreadyGone(SyncRequest request, SyncCalls.Planned call, Outcome outcome) {
    return outcome instanceof Outcome.Rejected
        && request.operation().equals("unlink")
        && call.call().method().equalsIgnoreCase("DELETE")
        && (outcome.status() == 404 || outcome.status() == 410);
  }

  /** The answer's text as an error quotes it: the auth's secrets masked, cut at 500 characters. */
  private static String shortText(SyncConfig config, Outcome outcome) {
    String text = masked(config, outcome.answer().bodyText());
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }

  /** Text with URL credentials and the config's auth secrets (an OAuth2 token held) masked. */
  private static String masked(SyncConfig config, String text) {
    return Redaction.text(text, config.auth().secrets());
  }

  /** Answers' values and status fields onto the records still there (not after an unlink). */
  private void writeBack(SyncRequest request, Map<Long, RecordResult> results) {
    SyncConfig config = request.config();
    if (request.operation().equals("unlink")
        || config.response().isEmpty() && !config.status().any()) {
      return;
    }
    WriteBack back = new WriteBack(config);
    results
        .values()
        .forEach(
            r -> {
              if (r.success()) {
                back.success(r.id(), r.response(), clock.instant());
              } else {
                back.failure(r.id(), r.error(), r.finalRejection() || request.lastTry());
              }
            });
    back.flush(client, config.model())
        .forEach(
            (id, problem) -> {
              RecordResult r = results.get(id);
              String error = r.error() == null ? problem : r.error() + "; " + problem;
              results.put(
                  id,
                  new RecordResult(
                      id, r.success(), r.statusCode(), r.response(), error, r.finalRejection()));
            });
  }

  /** Logs an attempt; a failure to log is logged at WARN and never changes the call's outcome. */
  private void logAttempt(SyncRequest request, SyncCalls.Planned call, Attempt attempt) {
    if (log == null) {
      return;
    }
    try {
      log.record(SyncLog.Entry.of(request, call, attempt, clock.instant()));
    } catch (RuntimeException e) {
      LOG.warn(
          "sync '{}': attempt {} of {} {} not logged: {}",
          request.config().name(),
          attempt.number(),
          attempt.call().method(),
          Redaction.url(attempt.call().uri()),
          Redaction.text(e.getMessage()));
    }
  }

  /**
   * The config's pool, by name: made on first use, replaced when a reload changed the config's
   * concurrency (the old one shut down: its running calls finish, then its threads end).
   */
  ExecutorService pool(SyncConfig config) {
    Pool[] replaced = new Pool[1];
    Pool pool =
        pools.compute(
            config.name(),
            (name, current) -> {
              if (current != null && current.size() == config.concurrency()) {
                return current;
              }
              replaced[0] = current;
              return new Pool(config.concurrency(), newPool(config));
            });
    if (replaced[0] != null) {
      replaced[0].executor().shutdown();
    }
    return pool.executor();
  }

  /** Submits to the config's pool; again when a reload shut the pool down meanwhile. */
  private <T> CompletableFuture<T> submit(SyncConfig config, java.util.function.Supplier<T> work) {
    for (int tries = 1; ; tries++) {
      try {
        return CompletableFuture.supplyAsync(work, pool(config));
      } catch (RejectedExecutionException e) {
        if (tries >= 3) {
          throw e;
        }
      }
    }
  }

  private static ExecutorService newPool(SyncConfig config) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        config.concurrency(),
        task -> {
          Thread thread = new Thread(task, "sync-" + config.name() + "-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /** A config's pool and its size. */
  private record Pool(int size, ExecutorService executor) {}

  private static BuiltCall built(SyncCalls.Planned planned) {
    var call = planned.call().redacted(Set.of());
    return new BuiltCall(
        planned.ids(),
        call.method(),
        call.uri(),
        call.headers(),
        call.body(),
        planned.idempotencyKey());
  }

  private static RecordResult failed(long id, String error) {
    return new RecordResult(id, false, 0, null, error, false);
  }

  @Override
  public void close() {
    if (owner) {
      pools.values().forEach(p -> p.executor().shutdownNow());
    }
  }
}
