package io.odoosidecar.app;

import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.script.PythonEngine;
import io.odoosidecar.sync.IdempotencyKeys;
import io.odoosidecar.sync.MappingType;
import io.odoosidecar.sync.SyncConfig;
import io.odoosidecar.sync.SyncEngine;
import io.odoosidecar.sync.SyncLog;
import io.odoosidecar.sync.SyncReport;
import io.odoosidecar.sync.SyncRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sidecar sync run NAME}: a full or filtered resync of a config's records, as writes, in
 * chunks, with a progress line on stderr and a summary at the end.
 *
 * <p>Each record's {@code Idempotency-Key} is {@link IdempotencyKeys#adHoc} of this run's id
 * (printed), so the sender's retries within the run carry the same key.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Sync the records of a config (its filter_domain AND --domain) as writes, in chunks of",
      "--batch-size: progress on stderr, a summary at the end; exits 1 if any record failed.",
      "--dry-run prints the requests it would send (method, URL, headers with secrets masked,",
      "body) and sends none. Attempts go to the sync log, except while a running daemon holds",
      "the embedded store (said on stderr)."
    })
final class SyncRunCommand implements Callable<Integer> {
  @ParentCommand SyncCommand parent;
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Parameters(paramLabel = "NAME", description = "The sync config's name.")
  String name;

  @Option(
      names = "--rules",
      paramLabel = "DIR",
      defaultValue = "config/rules",
      description = "The rules directory (default: config/rules).")
  Path rules;

  @Option(
      names = "--domain",
      paramLabel = "DOMAIN",
      description = "Only the records matching this Odoo domain too (a Python literal).")
  String domain;

  @Option(names = "--dry-run", description = "Print the requests instead of sending them.")
  boolean dryRun;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      defaultValue = "100",
      description = "Records synced per chunk (default: 100).")
  int batchSize;

  /** The clock of the progress and the log (a test gives its own). */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    parent.root.quietLogs();
    if (batchSize < 1) {
      throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
    }
    SidecarConfig sidecar = parent.root.loadConfig();
    SyncConfig config = SyncCommand.config(rules, name);
    PrintWriter err = spec.commandLine().getErr();
    try (OdooClient client = parent.root.odoo.apply(connection.settings(sidecar));
        Resources resources = new Resources(sidecar, config, dryRun, clock)) {
      if (resources.held) {
        err.println(
            "the embedded store under "
                + sidecar.dataDir()
                + " is held by the running sidecar: "
                + (resources.daemon != null
                    ? "this run's attempts go to its sync log"
                    : "this run's attempts are not logged, as " + resources.problem));
      }
      List<Long> ids = client.search(config.model(), domain(client, config));
      String runId = UUID.randomUUID().toString();
      if (!dryRun) {
        err.println("sync '" + name + "': run " + runId + ", " + ids.size() + " records");
      }
      SyncProgress progress =
          new SyncProgress(err, SyncProgress.stderrIsTerminal(), clock, ids.size());
      List<SyncReport.RecordResult> failures = new ArrayList<>();
      try (SyncEngine engine =
          new SyncEngine(
              client, RetryingSender.system(), resources.python, resources.sink(), clock)) {
        for (int from = 0; from < ids.size(); from += batchSize) {
          List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + batchSize));
          SyncReport report = engine.sync(request(config, chunk, runId));
          List<SyncReport.RecordResult> failed =
              report.results().stream().filter(r -> !r.success()).toList();
          failures.addAll(failed);
          if (dryRun) {
            report.calls().forEach(this::print);
          }
          progress.step(chunk.size(), failed.size());
          resources.flush(err);
        }
      }
      progress.finish();
      summary(err, progress, failures);
      resources.unlogged(err);
      return failures.isEmpty() ? ExitCodes.OK : ExitCodes.ODOO_ERROR;
    }
  }

  private SyncRequest request(SyncConfig config, List<Long> chunk, String runId) {
    Map<Long, String> keys = new LinkedHashMap<>();
    chunk.forEach(id -> keys.put(id, IdempotencyKeys.adHoc(runId, config.name(), id)));
    return new SyncRequest(config, "write", config.model(), chunk, Map.of(), keys, dryRun, true);
  }

  /** The config's filter_domain AND the given domain, as Odoo's search takes it. */
  private List<Object> domain(OdooClient client, SyncConfig config) {
    List<List<Object>> parts = new ArrayList<>();
    for (String text : java.util.Arrays.asList(config.filterDomain(), domain)) {
      if (text != null && !text.isBlank()) {
        parts.add(evaluate(client, text).toWire());
      }
    }
    List<Object> out = new ArrayList<>();
    if (parts.size() == 2) {
      out.add(Domain.AND);
    }
    parts.forEach(out::addAll);
    return out;
  }

  private Domain evaluate(OdooClient client, String text) {
    ExternalIds refs = new ExternalIds(client);
    DomainExpression.Context context =
        DomainExpression.Context.of(
            client.authenticate(), clock.instant(), xmlId -> refs.resolve(xmlId).orElse(null));
    return DomainExpression.evaluate(text, context);
  }

  private void print(SyncReport.BuiltCall call) {
    PrintWriter out = spec.commandLine().getOut();
    out.println(call.method() + " " + call.uri() + "  # records " + call.ids());
    call.headers().forEach((header, values) -> values.forEach(v -> out.println(header + ": " + v)));
    out.println();
    out.println(call.bodyText());
    out.println();
    out.flush();
  }

  private void summary(
      PrintWriter err, SyncProgress progress, List<SyncReport.RecordResult> failures) {
    failures.stream()
        .limit(20)
        .forEach(r -> err.println("failed: record " + r.id() + ": " + r.error()));
    if (failures.size() > 20) {
      err.println("... and " + (failures.size() - 20) + " more failures (sidecar sync log)");
    }
    err.printf(
        java.util.Locale.ROOT,
        "sync '%s'%s: %d records, %d succeeded, %d failed in %d ms%n",
        name,
        dryRun ? " (dry run: nothing sent)" : "",
        progress.done(),
        progress.done() - progress.failed(),
        progress.failed(),
        progress.elapsed().toMillis());
    err.flush();
  }

  /**
   * The sync log (none when dry; the daemon's when it holds the embedded store) and the Python
   * engine (if a line needs it).
   */
  private static final class Resources implements AutoCloseable {
    final SyncLog log;
    final boolean held;
    final DaemonSyncLog daemon;
    final PythonEngine python;
    private String problem;

    Resources(SidecarConfig sidecar, SyncConfig config, boolean dryRun, Clock clock) {
      this.log = dryRun ? null : SyncCommand.openLog(sidecar, clock);
      this.held = !dryRun && log == null;
      this.daemon = held ? daemon(sidecar) : null;
      this.python =
          python(config.mapping())
              ? new PythonEngine(1, sidecar.python().statementLimit(), sidecar.python().timeout())
              : null;
    }

    private DaemonSyncLog daemon(SidecarConfig sidecar) {
      try {
        return DaemonSyncLog.of(DaemonClient.of(sidecar), sidecar.sync().logBodyLimit());
      } catch (DaemonClient.Unavailable e) {
        problem = e.getMessage();
        return null;
      }
    }

    /** Where the engine logs its attempts; null when dry or when the daemon cannot be asked. */
    io.odoosidecar.sync.SyncLogSink sink() {
      return log != null ? log : daemon;
    }

    /** Hands a chunk's entries to the daemon, saying once on {@code err} when it cannot be. */
    void flush(PrintWriter err) {
      if (daemon == null) {
        return;
      }
      String reason = daemon.flush();
      if (reason != null && problem == null) {
        problem = reason;
        err.println("warning: the sync log's entries could not be given to the daemon: " + reason);
      }
    }

    /** Says how many entries were not logged, if any. */
    void unlogged(PrintWriter err) {
      if (daemon != null && daemon.unlogged() > 0) {
        err.println(
            "warning: "
                + daemon.unlogged()
                + " attempts of this run are not in the sync log (the daemon could not be asked)");
      }
    }

    /** Whether a line, nested ones included, is a python line. */
    private static boolean python(List<io.odoosidecar.sync.MappingLine> lines) {
      return lines.stream().anyMatch(l -> l.type() == MappingType.PYTHON || python(l.mapping()));
    }

    @Override
    public void close() {
      if (log != null) {
        log.close();
      }
      if (python != null) {
        python.close();
      }
    }
  }
}
