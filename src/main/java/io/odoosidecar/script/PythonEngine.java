package io.odoosidecar.script;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooFaultException;
import io.odoosidecar.odoo.ValueCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Odoo code actions on GraalPy (Python 3) with the evaluation context Odoo gives them ({@code
 * env}, {@code record}, {@code records}, {@code log}, {@code datetime}, ...), their ORM calls
 * carried out over the sidecar's RPC client.
 *
 * <p>Implementation notes. One polyglot engine, shared; a small pool of Python contexts, each
 * loaded once with {@code odoo_env.py} (the RPC-backed recordsets, with Odoo's prefetching: the
 * first field read on a record reads the fields the same code read on its last run, every stored
 * field the first time, of every record fetched with it, in one {@code read}). An execution takes a
 * context from the pool, runs the code in a fresh namespace and gives the context back: the first
 * context costs seconds, later executions a fraction of a millisecond. The sandbox: no host access,
 * no class lookup, no I/O, no threads, no processes, no native access, no environment; the code is
 * checked before it runs (no import, no dunder name, no global) and sees only a list of safe
 * builtins; a statement limit and a wall-clock time-out stop runaway code, and the context that ran
 * it is thrown away. BJET's {@code env['bj.api.sync.config']._make_outbound_http_request(...)} is
 * served by the sidecar's outbound sync ({@link OutboundSync}, see {@link OutboundCall}), through
 * the same host call as the ORM's.
 */
public final class PythonEngine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PythonEngine.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What an execution gave: the client action it set, and what it logged. */
  public record Result(Object action, List<String> logs) {}

  /** Code that failed: its message, with the Python traceback and the line in the action's code. */
  public static final class ScriptException extends SidecarException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final int changes;
    private final boolean timedOut;

    public ScriptException(String message, int line) {
      this(message, line, 0);
    }

    /**
     * @param changes how many calls that change data in Odoo the code made before it failed
     */
    public ScriptException(String message, int line, int changes) {
      this(message, line, changes, false);
    }

    /**
     * @param timedOut whether the code was stopped by the time-out (or by the engine closing)
     */
    public ScriptException(String message, int line, int changes, boolean timedOut) {
      super(message);
      this.line = line;
      this.changes = changes;
      this.timedOut = timedOut;
    }

    /**
     * Whether the code was stopped rather than failing by itself: run again on fewer records, it
     * would most likely be stopped again.
     */
    public boolean timedOut() {
      return timedOut;
    }

    /** The line of the action's code where it failed, or 0. */
    public int line() {
      return line;
    }

    /**
     * How many calls that change data the code made before it failed (answers from the {@link
     * CallJournal} not counted): they stay done, as no transaction spans RPC calls.
     */
    public int changes() {
      return changes;
    }
  }

  /**
   * Hears of each execution once it has ended, on the thread that asked for it; it returns quickly
   * and what it throws is logged and ignored.
   */
  @FunctionalInterface
  public interface ExecutionListener {
    /** A listener that hears nothing. */
    ExecutionListener NONE = (kind, nanos, outcome) -> {};

    /**
     * @param kind {@code code} (a code action) or {@code expression} (an update's equation, a sync
     *     mapping's value)
     * @param nanos how long it took, from a context taken from the pool to its answer, its calls to
     *     Odoo included
     * @param outcome {@code done}, {@code failed} (the code raised), {@code limit} (the statement
     *     limit was reached) or {@code timeout} (stopped by the time-out, the sidecar's shutdown or
     *     the engine's closing)
     */
    void executed(String kind, long nanos, String outcome);
  }

  /** ORM methods that change nothing in Odoo (what else code calls is counted as a change). */
  private static final Set<String> READING =
      Set.of(
          "read",
          "search",
          "search_read",
          "search_count",
          "fields_get",
          "name_search",
          "read_group",
          "exists",
          "default_get",
          "check_access_rights",
          "check_access_rule");

  /**
   * Calls that post messages or queue emails, one per record they name, by model (empty: any model
   * with mail's thread): they carry the journal's {@link CallJournal#postKey}, so that Odoo makes
   * them once even when the sidecar stopped before writing them down.
   */
  private static final Map<String, String> POSTING =
      Map.of(
          "message_post", "",
          "message_post_with_source", "",
          "send_mail", "mail.template",
          "action_send_mail", "mail.compose.message",
          "action_send_sms", "sms.composer");

  private final Engine engine;

  /** How long a cancelled execution has to stop before its thread is stopped. */
  private static final Duration GRACE = Duration.ofMillis(500);

  /** How often a stop waits to see a thread come back from a host call. */
  private static final Duration HOST_POLL = Duration.ofMillis(20);

  private final BlockingQueue<Slot> idle;
  private final Set<Slot> slots = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Set<Execution> running = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.ExecutorService stopper;
  private volatile boolean closed;
  private final int size;
  private final long statementLimit;
  private final Duration timeout;
  private final ScheduledExecutorService watchdog;
  private final String bootstrap;
  private volatile OutboundSync outbound = OutboundSync.NONE;
  private volatile ExecutionListener listener = ExecutionListener.NONE;
  private int created;

  /**
   * @param poolSize the most executions at once
   * @param statementLimit the most Python statements one execution may run
   * @param timeout the longest one execution may spend in its own code (waiting for Odoo's answers
   *     not counted)
   */
  public PythonEngine(int poolSize, long statementLimit, Duration timeout) {
    this.engine = Engine.newBuilder("python").option("engine.WarnInterpreterOnly", "false").build();
    this.size = poolSize;
    this.idle = new ArrayBlockingQueue<>(poolSize);
    this.statementLimit = statementLimit;
    this.timeout = timeout;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "python-watchdog");
              thread.setDaemon(true);
              return thread;
            });
    this.stopper =
        Executors.newCachedThreadPool(
            r -> {
              Thread thread = new Thread(r, "python-stopper");
              thread.setDaemon(true);
              return thread;
            });
    this.bootstrap = bootstrap();
  }

  /** {@code odoo_env.py}, the bridge every context of the sidecar loads. */
  static String bootstrap() {
    try (InputStream in = PythonEngine.class.getResourceAsStream("odoo_env.py")) {
      if (in == null) {
        throw new IllegalStateException("odoo_env.py is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read odoo_env.py", e);
    }
  }

  /**
   * The policy every Python context of the sidecar runs under: no host objects or classes, no I/O,
   * threads, processes, native code or environment.
   */
  static Context.Builder sandboxed(Engine engine) {
    return Context.newBuilder("python")
        .engine(engine)
        .allowHostAccess(HostAccess.NONE)
        .allowHostClassLookup(name -> false)
        .allowIO(IOAccess.NONE)
        .allowCreateThread(false)
        .allowCreateProcess(false)
        .allowNativeAccess(false)
        .allowEnvironmentAccess(org.graalvm.polyglot.EnvironmentAccess.NONE);
  }

  /** The most executions at once (the pool's size). */
  public int poolSize() {
    return size;
  }

  /** The contexts made and kept now (at most {@link #poolSize}). */
  public synchronized int contexts() {
    return created;
  }

  /** The contexts running code now. */
  public synchronized int busy() {
    return Math.max(0, created - idle.size());
  }

  /** The most statements one execution may run. */
  public long statementLimit() {
    return statementLimit;
  }

  /** The longest one execution may spend in its own code. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Sets the outbound API sync code actions reach through {@code
   * env['bj.api.sync.config']._make_outbound_http_request(...)} when a run names none (by default
   * {@link OutboundSync#NONE}: the call fails with a {@code UserError} saying no sync is
   * configured).
   */
  public PythonEngine withOutboundSync(OutboundSync sync) {
    this.outbound = java.util.Objects.requireNonNull(sync, "sync");
    return this;
  }

  /** Sets who hears of each execution, its time and its outcome (by default no one). */
  public PythonEngine withExecutionListener(ExecutionListener executions) {
    this.listener = java.util.Objects.requireNonNull(executions, "executions");
    return this;
  }

  /** Creates one context ahead, so that the first execution does not pay for it. */
  public void warmUp() {
    release(take(), false);
  }

  /**
   * Runs {@code code} on the records {@code ids} of {@code model}.
   *
   * @param client the client the ORM calls go through (with the sidecar's context)
   * @param uid the Odoo user
   */
  public Result run(String code, OdooClient client, long uid, String model, List<Long> ids) {
    return run(code, client, uid, model, ids, Map.of());
  }

  /**
   * Runs {@code code} on the records {@code ids} of {@code model}, taking {@code known} as already
   * read.
   *
   * @param known values of the records' stored fields, by id, in the form Odoo's {@code read} with
   *     {@code load=''} answers (many2one as an id): the code's reads of these fields cost no call
   */
  public Result run(
      String code,
      OdooClient client,
      long uid,
      String model,
      List<Long> ids,
      Map<Long, Map<String, Object>> known) {
    return run(code, client, uid, model, ids, known, CallJournal.NONE);
  }

  /**
   * Runs {@code code} as {@link #run(String, OdooClient, long, String, List, Map)} does, its calls
   * that change data answered from {@code journal} where an earlier attempt made them, and written
   * down there otherwise.
   */
  public Result run(
      String code,
      OdooClient client,
      long uid,
      String model,
      List<Long> ids,
      Map<Long, Map<String, Object>> known,
      CallJournal journal) {
    return run(code, client, uid, model, ids, known, journal, outbound);
  }

  /**
   * Runs {@code code} as {@link #run(String, OdooClient, long, String, List, Map, CallJournal)}
   * does, its {@code env['bj.api.sync.config']._make_outbound_http_request(...)} calls carried to
   * {@code sync} (see {@link OutboundCall}) rather than to the engine's (null: the engine's).
   */
  public Result run(
      String code,
      OdooClient client,
      long uid,
      String model,
      List<Long> ids,
      Map<Long, Map<String, Object>> known,
      CallJournal journal,
      OutboundSync sync) {
    return run(code, client, uid, model, ids, known, journal, sync, CronProgress.NONE);
  }

  /**
   * Runs {@code code} as {@link #run(String, OdooClient, long, String, List, Map, CallJournal,
   * OutboundSync)} does, its {@code env['ir.cron']._notify_progress(...)} and {@code
   * _commit_progress(...)} calls reported to {@code progress} (see {@link CronCall}) rather than
   * sent to Odoo.
   */
  public Result run(
      String code,
      OdooClient client,
      long uid,
      String model,
      List<Long> ids,
      Map<Long, Map<String, Object>> known,
      CallJournal journal,
      OutboundSync sync,
      CronProgress progress) {
    OutboundSync outboundSync = sync == null ? outbound : sync;
    List<String> logs = new ArrayList<>();
    ProxyExecutable sink =
        arguments -> {
          String entry = arguments[0].asString() + ": " + arguments[1].asString();
          logs.add(entry);
          LOG.info("code action log {}", entry);
          return null;
        };
    String action =
        execute(
            "code action",
            "run",
            code,
            client,
            uid,
            model,
            ids,
            known,
            journal,
            outboundSync,
            progress == null ? CronProgress.NONE : progress,
            sink);
    try {
      return new Result(JSON.readValue(action, Object.class), logs);
    } catch (JsonProcessingException e) {
      throw new SidecarException("code action: cannot decode its result: " + e.getMessage(), e);
    }
  }

  /** Evaluates an expression for each record (an update's {@code equation}): values by id. */
  public Map<Long, Object> evaluate(
      String expression, OdooClient client, long uid, String model, List<Long> ids) {
    return evaluate(expression, client, uid, model, ids, Map.of());
  }

  /**
   * Evaluates an expression for each record, taking {@code known} as already read (see {@link
   * #run(String, OdooClient, long, String, List, Map)}).
   */
  public Map<Long, Object> evaluate(
      String expression,
      OdooClient client,
      long uid,
      String model,
      List<Long> ids,
      Map<Long, Map<String, Object>> known) {
    return evaluate(expression, client, uid, model, ids, known, Map.of());
  }

  /**
   * Evaluates an expression for each record as {@link #evaluate(String, OdooClient, long, String,
   * List, Map)} does, with more names given per record (a sync mapping's {@code value} and {@code
   * request_data}): JSON values, which cannot hide the evaluation context's own names.
   *
   * @param variables names and values by id; a name starting with an underscore is refused
   */
  @SuppressWarnings("unchecked")
  public Map<Long, Object> evaluate(
      String expression,
      OdooClient client,
      long uid,
      String model,
      List<Long> ids,
      Map<Long, Map<String, Object>> known,
      Map<Long, Map<String, Object>> variables) {
    String out =
        execute(
            "expression",
            "evaluate",
            expression,
            client,
            uid,
            model,
            ids,
            known,
            CallJournal.NONE,
            outbound,
            CronProgress.NONE,
            variablesJson(variables));
    try {
      Map<String, Object> byId = JSON.readValue(out, Map.class);
      Map<Long, Object> values = new LinkedHashMap<>();
      byId.forEach((id, value) -> values.put(Long.parseLong(id), value));
      return values;
    } catch (JsonProcessingException e) {
      throw new SidecarException("expression: cannot decode its result: " + e.getMessage(), e);
    }
  }

  private static String variablesJson(Map<Long, Map<String, Object>> variables) {
    for (Map<String, Object> names : variables.values()) {
      for (String name : names.keySet()) {
        if (name.startsWith("_") || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw new IllegalArgumentException("not a name an expression may be given: " + name);
        }
      }
    }
    try {
      return variables.isEmpty() ? "" : JSON.writeValueAsString(variables);
    } catch (JsonProcessingException e) {
      throw new SidecarException("expression: cannot encode its names: " + e.getMessage(), e);
    }
  }

  /**
   * Calls {@code odoo_env.py}'s {@code function(text, rpc, uid, context, model, ids, extra...)} in
   * a pooled context, on that context's own thread, under the time-out, and returns the JSON text
   * it answers. The caller waits for the answer or for the time-out, never for the context: code
   * that does not stop is abandoned with its context and its thread (see {@link Slot#stop}).
   */
  private String execute(
      String what,
      String function,
      String text,
      OdooClient client,
      long uid,
      String model,
      List<Long> ids,
      Map<Long, Map<String, Object>> known,
      CallJournal journal,
      OutboundSync sync,
      CronProgress progress,
      Object... extra) {
    List<Object> arguments;
    try {
      arguments =
          new ArrayList<>(
              List.of(
                  text,
                  "",
                  uid,
                  "{}",
                  model,
                  JSON.writeValueAsString(ids),
                  known.isEmpty() ? "" : JSON.writeValueAsString(known)));
    } catch (JsonProcessingException e) {
      throw new SidecarException(what + ": cannot encode its records: " + e.getMessage(), e);
    }
    arguments.addAll(List.of(extra));
    if (closed) {
      throw new ScriptException("code action stopped: the Python engine is closed", 0, 0, true);
    }
    Slot slot = take();
    long started = System.nanoTime();
    String outcome = "failed";
    Execution execution = new Execution(slot);
    Rpc rpc = execution.rpc(client, journal, sync, progress);
    arguments.set(1, rpc);
    boolean broken = true;
    running.add(execution);
    try {
      slot.execute(
          () -> {
            execution.budget.resume();
            try {
              Context context = slot.context();
              context.resetLimits();
              Value answer =
                  context.getBindings("python").getMember(function).execute(arguments.toArray());
              execution.result.complete(answer.asString());
            } finally {
              execution.budget.pause();
            }
          },
          execution.result);
      String answer = execution.await();
      broken = false;
      outcome = "done";
      return answer;
    } catch (PolyglotException e) {
      broken =
          e.isCancelled() || e.isInterrupted() || e.isResourceExhausted() || e.isInternalError();
      ScriptException failure = failure(e, execution.changes.get());
      outcome = e.isResourceExhausted() ? "limit" : failure.timedOut() ? "timeout" : "failed";
      throw failure;
    } catch (ScriptException e) {
      outcome = e.timedOut() ? "timeout" : "failed";
      throw e;
    } finally {
      rpc.end();
      running.remove(execution);
      release(slot, broken || execution.stopped);
      executed("run".equals(function) ? "code" : "expression", started, outcome);
    }
  }

  /** Tells the listener of an execution that ended. */
  private void executed(String kind, long started, String outcome) {
    try {
      listener.executed(kind, System.nanoTime() - started, outcome);
    } catch (RuntimeException e) {
      LOG.warn("the listener of Python executions failed: {}", e.toString());
    }
  }

  /**
   * One execution: the caller's side of it (its answer, the calls that changed data, the time-out)
   * and the Python thread's side (the ORM proxy, the budget).
   */
  private final class Execution {
    final Slot slot;
    final CompletableFuture<String> result = new CompletableFuture<>();
    final AtomicInteger changes = new AtomicInteger();
    final Budget budget;
    volatile boolean stopped;

    Execution(Slot slot) {
      this.slot = slot;
      this.budget = new Budget(this::expire);
    }

    Rpc rpc(OdooClient client, CallJournal journal, OutboundSync sync, CronProgress progress) {
      OutboundCall outbound = new OutboundCall(sync, changes, journal);
      CronCall cron = new CronCall(progress, budget::secondsLeft);
      return new Rpc(
          request -> call(client, request, changes, journal, outbound, cron),
          budget::pause,
          budget::resume,
          slot.host);
    }

    /** The answer; a failure of the code as it was thrown; a time-out or a stop as a failure. */
    String await() {
      try {
        return result.get();
      } catch (InterruptedException e) {
        // the sidecar is stopping: the code is stopped rather than waited for
        stop("stopped: the sidecar is shutting down");
        Thread.currentThread().interrupt();
        throw new ScriptException(
            "code action stopped: the sidecar is shutting down", 0, changes.get(), true);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof PolyglotException polyglot) {
          throw polyglot;
        }
        if (cause instanceof ScriptException script) {
          throw script;
        }
        throw new SidecarException("code action: " + cause, cause);
      }
    }

    /**
     * The budget ran out (on the watchdog, which only hands the work on): the context is
     * interrupted, which stops Python code at its next safepoint; code inside one long built-in
     * call (a big {@code range} consumed by {@code max}, a huge power) never reaches one, so after
     * {@link #GRACE} it fails with a time-out and its thread is stopped.
     */
    void expire() {
      stopper.execute(
          () -> {
            try {
              slot.context().interrupt(GRACE);
            } catch (TimeoutException | RuntimeException e) {
              stop(
                  "time-out: ran past "
                      + timeout.toMillis()
                      + " ms inside one call that cannot be interrupted");
            }
          });
    }

    void stop(String reason) {
      stopped = true;
      result.completeExceptionally(
          new ScriptException("code action " + reason, 0, changes.get(), true));
      slot.stop();
    }
  }

  /**
   * The ORM proxy one execution hands to Python as its {@code env}'s way to Odoo. It serves that
   * execution only: once the execution has ended, every call is refused, so that an {@code env}
   * kept by code past its run (on an object a later run shares) cannot reach this run's client.
   */
  static final class Rpc implements ProxyExecutable {
    static final String ENDED = "this env belongs to an execution that has ended";
    private final java.util.function.Function<String, Object> work;
    private final Runnable pause;
    private final Runnable resume;
    private final HostMark host;
    private volatile boolean ended;

    /**
     * @param work a call of the ORM proxy, its request in JSON
     * @param pause called before the work: the time-out stops runaway code, not a slow Odoo
     * @param resume called after it
     * @param host the mark of the thread's host calls, which keeps the time-out's thread stop out
     */
    Rpc(
        java.util.function.Function<String, Object> work,
        Runnable pause,
        Runnable resume,
        HostMark host) {
      this.work = work;
      this.pause = pause;
      this.resume = resume;
      this.host = host;
    }

    @Override
    public Object execute(Value... arguments) {
      if (ended) {
        throw new IllegalStateException(ENDED);
      }
      String request = arguments[0].asString();
      if (!host.enter()) {
        throw new IllegalStateException("code action stopped");
      }
      try {
        pause.run();
        try {
          return work.apply(request);
        } finally {
          if (!ended) {
            resume.run();
          }
        }
      } finally {
        host.leave();
      }
    }

    /** The execution has ended: no call is served any more. */
    void end() {
      ended = true;
    }
  }

  /**
   * Whether a slot's thread is in the sidecar's own code, called from Python (the ORM proxy: the
   * HTTP client, the journal): {@link Thread#stop} must never land there, where it could break the
   * journal or leave a change Odoo made unwritten. A stop and a host call exclude each other: once
   * the thread is stopped, no host call starts.
   */
  static final class HostMark {
    private boolean inHost;
    private boolean stopping;

    /** A host call starts; false when the thread is being stopped (the call must not start). */
    synchronized boolean enter() {
      if (stopping) {
        return false;
      }
      inHost = true;
      return true;
    }

    synchronized void leave() {
      inHost = false;
    }

    synchronized boolean inHost() {
      return inHost;
    }

    /** Runs {@code stop} unless the thread is in a host call; whether it ran. */
    synchronized boolean stopOutside(Runnable stop) {
      if (inHost) {
        return false;
      }
      stopping = true;
      stop.run();
      return true;
    }
  }

  /**
   * The wall-clock time an execution may spend in its own code: counted while the code runs, paused
   * while it waits for Odoo. When it runs out, the execution is told, on the watchdog thread.
   */
  private final class Budget {
    private final Runnable expired;
    private long remainingNanos = timeout.toNanos();
    private long resumedAt;
    private ScheduledFuture<?> alarm;

    Budget(Runnable expired) {
      this.expired = expired;
    }

    synchronized void resume() {
      resumedAt = System.nanoTime();
      alarm = watchdog.schedule(expired, Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
    }

    /** The seconds left of the budget (while the code waits on a call, the budget is paused). */
    synchronized double secondsLeft() {
      return Math.max(0, remainingNanos) / 1e9;
    }

    synchronized void pause() {
      if (alarm != null) {
        alarm.cancel(false);
        alarm = null;
        remainingNanos -= System.nanoTime() - resumedAt;
      }
    }
  }

  /**
   * A call of the ORM proxy: {@code [model, method, args, kwargs]} in JSON, the result in JSON. A
   * call that changes data is first looked up in the journal (by its text as Jackson writes it, so
   * the same call always has the same text), and written down there once Odoo answered it. BJET's
   * {@code bj.api.sync.config._make_outbound_http_request} goes to the sidecar's own sync instead
   * ({@link OutboundCall}).
   */
  private static Object call(
      OdooClient client,
      String request,
      AtomicInteger changes,
      CallJournal journal,
      OutboundCall outbound,
      CronCall cron) {
    try {
      List<?> parts = JSON.readValue(request, List.class);
      String model = String.valueOf(parts.get(0));
      String method = String.valueOf(parts.get(1));
      List<Object> args = new ArrayList<>(ValueCodec.asList(parts.get(2)));
      Map<String, Object> kwargs = new LinkedHashMap<>(ValueCodec.asMap(parts.get(3)));
      if (OutboundCall.is(model, method)) {
        return outbound.answer(kwargs); // the sidecar's sync, not Odoo
      }
      if (CronCall.is(model, method)) {
        return cron.answer(method, kwargs); // the sidecar's runner of schedules, not Odoo
      }
      if (READING.contains(method)) {
        return JSON.writeValueAsString(execute(client, model, method, args, kwargs));
      }
      if ("create".equals(method) && args.size() == 1 && args.get(0) instanceof List) {
        return JSON.writeValueAsString(
            create(client, model, ValueCodec.asList(args.get(0)), kwargs, changes, journal));
      }
      String key = JSON.writeValueAsString(parts);
      Optional<String> done = journal.replay(key);
      if (done.isPresent()) {
        LOG.debug("{}.{} was made by an earlier attempt: answered from the journal", model, method);
        return done.get();
      }
      changes.incrementAndGet(); // counted when asked: a call that failed may have been done
      if (posts(model, method)) {
        journal.postKey(key).ifPresent(postKey -> withPostKey(kwargs, postKey));
      }
      String answer = JSON.writeValueAsString(execute(client, model, method, args, kwargs));
      journal.made(key, answer);
      return answer;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("bad ORM call from a code action: " + e.getMessage(), e);
    }
  }

  /** Whether a call posts messages or queues emails ({@link #POSTING}). */
  private static boolean posts(String model, String method) {
    String on = POSTING.get(method);
    return on != null && (on.isEmpty() || on.equals(model));
  }

  /** The call's own context (if the code set one) with the post's key over it. */
  private static void withPostKey(Map<String, Object> kwargs, String postKey) {
    Map<String, Object> context = new LinkedHashMap<>();
    if (kwargs.get("context") instanceof Map<?, ?> own) {
      context.putAll(ValueCodec.asMap(own));
    }
    context.put(CallJournal.POST_KEY, postKey);
    kwargs.put("context", context);
  }

  /**
   * A {@code create} of several records (the ORM proxy sends the creates of a loop as one), each
   * journaled alone: run again record by record, the code finds each record it created before, and
   * only the records not yet created are.
   */
  private static List<Object> create(
      OdooClient client,
      String model,
      List<Object> values,
      Map<String, Object> kwargs,
      AtomicInteger changes,
      CallJournal journal)
      throws JsonProcessingException {
    Object[] ids = new Object[values.size()];
    List<Integer> missing = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      String key =
          JSON.writeValueAsString(
              List.of(model, "create", List.of(List.of(values.get(i))), kwargs));
      keys.add(key);
      Optional<String> done = journal.replay(key);
      if (done.isPresent()) {
        ids[i] = ValueCodec.asList(JSON.readValue(done.get(), Object.class)).get(0);
      } else {
        missing.add(i);
      }
    }
    if (!missing.isEmpty()) {
      changes.incrementAndGet();
      List<Object> fresh = new ArrayList<>(missing.size());
      for (int i : missing) {
        fresh.add(values.get(i));
      }
      Object result = execute(client, model, "create", List.of(fresh), new LinkedHashMap<>(kwargs));
      List<Object> created =
          result instanceof List<?> list ? ValueCodec.asList(list) : List.of(result);
      for (int j = 0; j < missing.size(); j++) {
        int i = missing.get(j);
        ids[i] = created.get(j);
        journal.made(keys.get(i), JSON.writeValueAsString(List.of(created.get(j))));
      }
    } else if (!values.isEmpty()) {
      LOG.debug("{}.create was made by an earlier attempt: answered from the journal", model);
    }
    return java.util.Arrays.asList(ids);
  }

  /** One call to Odoo, with the code's own context if it set one. */
  private static Object execute(
      OdooClient client,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs) {
    OdooClient target = client;
    Object context = kwargs.remove("context");
    if (context instanceof Map<?, ?> map && !map.isEmpty()) {
      target = client.withContext(ValueCodec.asMap(map));
    }
    if (("read".equals(method) || "search_read".equals(method)) && "".equals(kwargs.get("load"))) {
      kwargs.put("load", null); // many2one as ids, as the ORM proxy wants them
    }
    if ("fields_get".equals(method) && args.isEmpty()) {
      Object cached = cachedFields(client, model, kwargs);
      if (cached != null) {
        return cached;
      }
    }
    try {
      return target.executeKw(model, method, args, kwargs);
    } catch (OdooFaultException e) {
      if (answersARecordset(method, e)) {
        return Boolean.TRUE; // done, then Odoo could not send a recordset back
      }
      throw e;
    }
  }

  /**
   * The ORM proxy's {@code fields_get(attributes=[...])} answered from the client's field cache
   * (kept for the rules, invalidated when Odoo's models change) rather than one more round trip per
   * execution; null when it asks for an attribute the cache does not hold.
   */
  private static Map<String, Object> cachedFields(
      OdooClient client, String model, Map<String, Object> kwargs) {
    if (kwargs.size() != 1 || !(kwargs.get("attributes") instanceof List<?> wanted)) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, io.odoosidecar.odoo.FieldInfo> field :
        client.fieldsGet(model).entrySet()) {
      Map<String, Object> attributes = new LinkedHashMap<>();
      Map<String, Object> known = field.getValue().attributes();
      for (Object wantedName : wanted) {
        String name = String.valueOf(wantedName);
        if (known.containsKey(name)) {
          attributes.put(name, known.get(name));
        } else if ("store".equals(name)) {
          attributes.put(name, field.getValue().store());
        } else if (!"relation".equals(name)) { // Odoo leaves relation out of plain fields
          return null;
        }
      }
      out.put(field.getKey(), attributes);
    }
    return out;
  }

  /**
   * Whether a fault is Odoo failing to send back the recordset a method answered, after the
   * method's work was committed (message_post and activity_schedule answer records).
   */
  static boolean answersARecordset(String method, OdooFaultException e) {
    String message = String.valueOf(e.getMessage());
    return List.of("message_post", "activity_schedule", "message_post_with_source").contains(method)
        && (message.contains("cannot marshal") || message.contains("not JSON serializable"));
  }

  private static ScriptException failure(PolyglotException e, int changes) {
    int line = 0;
    StringBuilder trace = new StringBuilder();
    for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
      if (frame.isGuestFrame()
          && frame.getSourceLocation() != null
          && "<action>".equals(frame.getSourceLocation().getSource().getName())) {
        int at = frame.getSourceLocation().getStartLine();
        if (line == 0) {
          line = at;
        }
        trace.append("\n  line ").append(at).append(", in ").append(frame.getRootName());
      }
    }
    String kind =
        e.isResourceExhausted()
            ? "statement limit reached"
            : e.isInterrupted() || e.isCancelled() ? "time-out" : "error";
    String message =
        "code action "
            + kind
            + (line > 0 ? " at line " + line : "")
            + ": "
            + e.getMessage()
            + (trace.length() > 0 ? "\nTraceback (most recent call last):" + trace : "");
    return new ScriptException(message, line, changes, e.isInterrupted() || e.isCancelled());
  }

  /**
   * A pooled Python context and the one daemon thread that enters it: the caller of an execution
   * only waits for an answer, so that code which never stops can be left behind with its thread.
   */
  private final class Slot {
    private final java.util.concurrent.ExecutorService thread;
    private volatile Thread runner;
    private volatile Context context;
    private volatile boolean executing;
    final HostMark host = new HostMark();

    Slot(int number) {
      this.thread =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "python-" + number);
                t.setDaemon(true);
                runner = t;
                return t;
              });
    }

    Context context() {
      return context;
    }

    /** Runs {@code work} on this slot's thread; what it throws fails {@code result}. */
    void submit(Runnable work, CompletableFuture<?> result) {
      try {
        thread.execute(
            () -> {
              try {
                work.run();
              } catch (Throwable e) { // NOPMD - a stopped thread's ThreadDeath included
                result.completeExceptionally(e);
              }
            });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        result.completeExceptionally(new SidecarException("the Python engine is closed", e));
      }
    }

    /** Creates the context on this slot's thread. */
    void open() {
      CompletableFuture<Context> made = new CompletableFuture<>();
      submit(() -> made.complete(create()), made);
      try {
        context = made.get();
      } catch (ExecutionException e) {
        thread.shutdownNow();
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException r
            ? r
            : new SidecarException("cannot create a Python context: " + cause, cause);
      } catch (InterruptedException e) {
        // never stopped while it is being created: the stop could catch the thread inside a
        // class's initialisation, which would fail every later context of the JVM
        made.whenComplete(
            (created, failure) -> {
              context = created;
              stopper.execute(this::discard);
            });
        Thread.currentThread().interrupt();
        throw new SidecarException("interrupted while creating a Python context", e);
      }
    }

    /**
     * Runs an execution's {@code work} on this slot's thread; what it throws fails {@code result}.
     */
    void execute(Runnable work, CompletableFuture<?> result) {
      submit(
          () -> {
            executing = true;
            try {
              work.run();
            } finally {
              executing = false;
            }
          },
          result);
    }

    /**
     * Stops the code that runs on this slot's thread, without waiting for it: the context is
     * cancelled ({@code close(true)}), and the thread, if it is still inside a call that never
     * polls (a long built-in call), is stopped with {@link Thread#stop}, the only way the JVM has
     * to take a thread out of such a call; the context is thrown away, so what the stop leaves
     * behind is never used again.
     */
    void stop() {
      stopper.execute(this::kill);
      stopper.execute(this::discard);
    }

    @SuppressWarnings({"deprecation", "removal"})
    private void kill() {
      Thread t = runner;
      try {
        Thread.sleep(GRACE.toMillis()); // the cancel first: it stops code that polls cleanly
        while (t != null && executing && t.isAlive()) {
          if (host.inHost()) {
            // never inside the sidecar's own code: the call is bounded by Odoo's request time-out,
            // and the cancelled context stops the code once it is back in Python
            while (host.inHost() && executing) {
              Thread.sleep(HOST_POLL.toMillis());
            }
            Thread.sleep(GRACE.toMillis());
            continue;
          }
          if (busy(t) && host.stopOutside(t::stop)) {
            LOG.warn("{} did not stop when cancelled: stopped the thread", t.getName());
          }
          if (!host.inHost()) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (UnsupportedOperationException e) {
        LOG.warn("{} cannot be stopped on this JVM: left running as a daemon", t.getName());
      }
    }

    private boolean busy(Thread t) {
      return t.getState() == Thread.State.RUNNABLE;
    }

    /** Closes the context and ends the thread, on a stopper thread (the close may take long). */
    void discard() {
      Context c = context;
      try {
        if (c != null) {
          c.close(true);
        }
      } catch (RuntimeException e) {
        LOG.debug("closing a Python context: {}", e.getMessage());
      } finally {
        thread.shutdownNow();
      }
    }
  }

  private Slot take() {
    Slot slot = idle.poll();
    if (slot != null) {
      return slot;
    }
    int number;
    synchronized (this) {
      number = created < size ? ++created : 0;
    }
    if (number > 0) {
      Slot fresh = new Slot(number);
      try {
        fresh.open();
      } catch (RuntimeException e) {
        synchronized (this) {
          created--;
        }
        throw e;
      }
      slots.add(fresh);
      return fresh;
    }
    try {
      return idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SidecarException("interrupted while waiting for a Python context", e);
    }
  }

  private void release(Slot slot, boolean broken) {
    if (!broken && !closed && idle.offer(slot)) {
      return;
    }
    slots.remove(slot);
    synchronized (this) {
      created--;
    }
    stopper.execute(slot::discard);
    if (!closed) {
      stopper.execute(this::replace);
    }
  }

  /** A context in place of one thrown away, made ahead so that the next execution does not wait. */
  private void replace() {
    synchronized (this) {
      if (created >= size) {
        return;
      }
    }
    try {
      release(take(), false);
    } catch (RuntimeException e) {
      LOG.warn("cannot replace a Python context: {}", e.getMessage());
    }
  }

  private Context create() {
    long start = System.nanoTime();
    Context context =
        sandboxed(engine)
            .resourceLimits(
                ResourceLimits.newBuilder().statementLimit(statementLimit, null).build())
            .build();
    context.eval(Source.create("python", bootstrap));
    context.resetLimits();
    LOG.info("Python context ready in {} ms", (System.nanoTime() - start) / 1_000_000);
    return context;
  }

  /**
   * Stops the engine without waiting for code that runs: every execution in flight is stopped (its
   * caller gets a failure at once), contexts are closed on daemon threads, and the engine is closed
   * once they are, or left to the JVM's exit after {@link #GRACE}.
   */
  @Override
  public void close() {
    closed = true;
    watchdog.shutdownNow();
    for (Execution execution : running) {
      execution.stop("stopped: the Python engine is closing");
    }
    for (Slot slot : slots) {
      stopper.execute(slot::discard);
    }
    slots.clear();
    idle.clear();
    Thread closer =
        new Thread(
            () -> {
              try {
                engine.close(true); // a context still being created (warm-up) is cancelled
              } catch (RuntimeException e) {
                LOG.debug("closing the Python engine: {}", e.getMessage());
              }
            },
            "python-engine-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(GRACE.toMillis() * 2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopper.shutdown();
  }
}
