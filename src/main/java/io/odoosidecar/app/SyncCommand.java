package io.odoosidecar.app;

import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.rule.RuleFiles;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.sync.SyncCheck;
import io.odoosidecar.sync.SyncConfig;
import io.odoosidecar.sync.SyncLog;
import io.odoosidecar.sync.SyncLogModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sidecar sync ...}: the outbound API syncs of the rule files.
 *
 * <p>The sync log lives in the event log's database. With PostgreSQL ({@code event-log.url}) the
 * commands open it themselves. The embedded store is held by a running daemon: {@code sync log}
 * then asks the daemon ({@code sidecar.sync_log} on its RPC endpoint, with the push secret), as
 * {@code dead-letters} does, and {@code sync run} sends without logging its attempts, and says so.
 */
@Command(
    name = "sync",
    mixinStandardHelpOptions = true,
    description = {
      "The outbound API syncs (the `sync:` configs of the rule files): check them against Odoo,",
      "run a full or filtered resync, list the log of their HTTP attempts."
    },
    subcommands = {
      SyncCommand.CheckCommand.class,
      SyncRunCommand.class,
      SyncCommand.LogCommand.class
    })
final class SyncCommand {
  @ParentCommand SidecarCommand root;

  /** The sync configs of a rules directory, by file. */
  static Map<Path, List<SyncConfig>> configs(Path rules) {
    return RuleFiles.syncConfigsBySource(rules);
  }

  /** The config named {@code name}; fails naming the configs known. */
  static SyncConfig config(Path rules, String name) {
    List<SyncConfig> all = new ArrayList<>();
    configs(rules).values().forEach(all::addAll);
    return all.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no sync config '"
                        + name
                        + "' in "
                        + rules
                        + "; known: "
                        + (all.isEmpty()
                            ? "none"
                            : String.join(", ", all.stream().map(SyncConfig::name).toList()))));
  }

  /**
   * The sync log as this process can open it: PostgreSQL's, or the embedded store's when no daemon
   * holds it; null when a running daemon holds the embedded store.
   */
  static SyncLog openLog(SidecarConfig config, Clock clock) {
    SidecarConfig.EventLogConfig c = config.eventLog();
    int limit = config.sync().logBodyLimit();
    if (c.url().isPresent()) {
      String password = c.password().map(io.odoosidecar.odoo.Secret::reveal).orElse("");
      return SyncLog.open(
          () -> DriverManager.getConnection(c.url().get(), c.user(), password), clock, limit);
    }
    String url = EventLog.embeddedUrl(config.dataDir());
    try {
      java.nio.file.Files.createDirectories(config.dataDir());
      return SyncLog.open(() -> DriverManager.getConnection(url), clock, limit);
    } catch (SidecarException e) {
      if (DeadLettersCommand.inUse(e)) {
        return null;
      }
      throw e;
    } catch (java.io.IOException e) {
      throw new SidecarException("cannot create the data directory " + config.dataDir(), e);
    }
  }

  /** {@code sidecar sync check}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Check every sync config against the configured Odoo's fields_get: model, mapped fields",
        "(dotted paths through their relations), identifier, URL placeholders, response fields,",
        "status fields and their types. Prints each problem with file, config and key; exits 1",
        "on any, 3 when Odoo cannot be reached."
      })
  static final class CheckCommand implements Callable<Integer> {
    @ParentCommand SyncCommand parent;
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Option(
        names = "--rules",
        paramLabel = "DIR",
        defaultValue = "config/rules",
        description = "The rules directory (default: config/rules).")
    Path rules;

    @Override
    public Integer call() {
      parent.root.quietLogs();
      PrintWriter out = spec.commandLine().getOut();
      Map<Path, List<SyncConfig>> bySource = configs(rules);
      try (OdooClient client =
          parent.root.odoo.apply(connection.settings(parent.root.loadConfig()))) {
        return CheckReport.print(out, bySource, new SyncCheck(client)::check, "sync configs");
      }
    }
  }

  /** {@code sidecar sync log}. */
  @Command(
      name = "log",
      mixinStandardHelpOptions = true,
      description = {
        "List the sync log's HTTP attempts, newest first: time, config, records, method, URL,",
        "status, duration, attempt, error; --verbose adds the headers (secrets masked) and the",
        "bodies. While the daemon runs and holds the embedded store, it is asked instead."
      })
  static final class LogCommand implements Callable<Integer> {
    @ParentCommand SyncCommand parent;
    @Spec CommandSpec spec;

    /** Not {@code --config}: that is the sidecar's configuration file, for every command. */
    @Option(
        names = "--sync-config",
        paramLabel = "NAME",
        description = "Only the attempts of this sync config.")
    String config;

    @Option(
        names = "--record",
        paramLabel = "ID",
        description = "Only attempts carrying this record.")
    Long record;

    @Option(names = "--failed", description = "Only the attempts not answered 2xx.")
    boolean failed;

    @Option(
        names = "--limit",
        paramLabel = "N",
        defaultValue = "50",
        description = "At most N entries (default: 50).")
    int limit;

    @Override
    public Integer call() {
      parent.root.quietLogs();
      SidecarConfig sidecar = parent.root.loadConfig();
      SyncLog.Query query = new SyncLog.Query(config, record, failed, limit);
      List<SyncLog.Entry> entries;
      try {
        entries = entries(sidecar, query);
      } catch (DaemonClient.Unavailable e) {
        return DeadLettersCommand.unavailable(spec, e);
      }
      PrintWriter out = spec.commandLine().getOut();
      entries.forEach(e -> print(out, e, parent.root.verbose));
      out.println(entries.size() + " entries");
      out.flush();
      return ExitCodes.OK;
    }

    private static List<SyncLog.Entry> entries(SidecarConfig sidecar, SyncLog.Query query) {
      SyncLog log = openLog(sidecar, Clock.systemUTC());
      if (log != null) {
        try (log) {
          return log.query(query);
        }
      }
      String held =
          "the event log under "
              + sidecar.dataDir()
              + " is in use by another process (a running sidecar)";
      Map<String, Object> criteria = new LinkedHashMap<>();
      criteria.put("config", query.config());
      criteria.put("record_id", query.recordId());
      criteria.put("failed", query.failedOnly());
      criteria.put("limit", query.limit());
      Object rows;
      try {
        rows =
            DaemonClient.of(sidecar)
                .call(SyncLogModel.NAME, "search_read", java.util.Arrays.asList(criteria));
      } catch (DaemonClient.Unavailable e) {
        throw new DaemonClient.Unavailable(held + ", and " + e.getMessage());
      }
      if (!(rows instanceof List<?> list)) {
        throw new DaemonClient.Unavailable(held + ", and its answer is not a list of entries");
      }
      return list.stream().map(r -> SyncLogModel.entry((Map<?, ?>) r)).toList();
    }

    static void print(PrintWriter out, SyncLog.Entry e, boolean verbose) {
      out.printf(
          Locale.ROOT,
          "%s\t%s\t%s\t%s %s\t%s\t%d ms\tattempt %d\t%s%n",
          e.at(),
          e.config(),
          e.recordIds().stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""),
          e.method(),
          e.url(),
          e.status() == 0 ? "no answer" : Integer.toString(e.status()),
          e.took().toMillis(),
          e.attempt(),
          e.error() == null ? "" : e.error());
      if (verbose) {
        out.println("  request headers:");
        e.requestHeaders().lines().forEach(l -> out.println("    " + l));
        out.println("  request body: " + e.requestBody());
        out.println("  answer body: " + e.answerBody());
      }
    }
  }
}
