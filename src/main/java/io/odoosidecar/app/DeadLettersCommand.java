package io.odoosidecar.app;

import io.odoosidecar.SidecarException;
import io.odoosidecar.server.models.DeadLetterModel;
import io.odoosidecar.store.EventLog;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sidecar dead-letters ...}: events parked after their last failed attempt.
 *
 * <p>The command reads the event log itself; when the embedded store is held by a running daemon,
 * it asks that daemon instead, through its RPC endpoint ({@code sidecar.dead_letter}) with the push
 * secret.
 */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = {
      "Events parked after their last failed attempt, in the event log (under data-dir, or",
      "event-log.url). While the daemon runs and holds the store, it is asked instead, at",
      "server.host:server.port with the push secret."
    },
    subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ReplayCommand.class})
final class DeadLettersCommand {
  /** H2's "database may be already in use": another process holds the embedded store. */
  private static final int H2_DATABASE_IN_USE = 90020;

  @ParentCommand SidecarCommand root;

  /** One dead letter as the command shows it. */
  record DeadLetter(
      long id,
      String database,
      String model,
      String operation,
      long recordId,
      long attempts,
      String lastError) {}

  /** Where the dead letters are read and replayed: the store, or the daemon holding it. */
  interface Source extends AutoCloseable {
    List<DeadLetter> list();

    /** The ids among {@code ids} that were dead letters, now back in line. */
    List<Long> replay(List<Long> ids);

    @Override
    void close();
  }

  Source open() {
    root.quietLogs();
    SidecarConfig config = root.loadConfig();
    EventLog log;
    try {
      log = openStore(config);
    } catch (SidecarException e) {
      if (!inUse(e)) {
        throw e;
      }
      String held =
          "the event log under "
              + config.dataDir()
              + " is in use by another process (a running sidecar)";
      try {
        return new FromDaemon(DaemonClient.of(config), held);
      } catch (DaemonClient.Unavailable unavailable) {
        throw new DaemonClient.Unavailable(held + ", and " + unavailable.getMessage());
      }
    }
    return new FromStore(log);
  }

  private static EventLog openStore(SidecarConfig config) {
    SidecarConfig.EventLogConfig c = config.eventLog();
    if (c.url().isPresent()) {
      return EventLog.open(
          c.url().get(), c.user(), c.password().map(io.odoosidecar.odoo.Secret::reveal).orElse(""));
    }
    return EventLog.embedded(config.dataDir());
  }

  /** Whether opening the store failed because another process holds it. */
  static boolean inUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_IN_USE) {
        return true;
      }
    }
    return false;
  }

  /** Prints {@code e}'s reason and gives the exit code for a daemon that cannot be asked. */
  static int unavailable(CommandSpec spec, DaemonClient.Unavailable e) {
    spec.commandLine().getErr().println("error: " + e.getMessage());
    spec.commandLine().getErr().flush();
    return ExitCodes.UNREACHABLE;
  }

  /** The store, opened by this process. */
  private static final class FromStore implements Source {
    private final EventLog log;

    FromStore(EventLog log) {
      this.log = log;
    }

    @Override
    public List<DeadLetter> list() {
      List<DeadLetter> out = new ArrayList<>();
      for (EventLog.Event e : log.deadLetters()) {
        out.add(
            new DeadLetter(
                e.id(),
                e.database(),
                e.model(),
                e.operation(),
                e.recordId(),
                e.attempts(),
                e.lastError()));
      }
      return out;
    }

    @Override
    public List<Long> replay(List<Long> ids) {
      List<Long> replayed = new ArrayList<>();
      for (Long id : ids) {
        if (log.replay(id, Instant.now())) {
          replayed.add(id);
        }
      }
      return replayed;
    }

    @Override
    public void close() {
      log.close();
    }
  }

  /** The running daemon, asked over its RPC endpoint. */
  private static final class FromDaemon implements Source {
    private final DaemonClient client;
    private final String held;

    FromDaemon(DaemonClient client, String held) {
      this.client = client;
      this.held = held;
    }

    @Override
    public List<DeadLetter> list() {
      List<DeadLetter> out = new ArrayList<>();
      if (!(call("search_read", List.of(List.of())) instanceof List<?> rows)) {
        throw new DaemonClient.Unavailable(held + ", and its answer is not a list of dead letters");
      }
      for (Object row : rows) {
        Map<?, ?> r = (Map<?, ?>) row;
        out.add(
            new DeadLetter(
                number(r.get("id")),
                String.valueOf(r.get("database")),
                String.valueOf(r.get("model")),
                String.valueOf(r.get("operation")),
                number(r.get("record_id")),
                number(r.get("attempts")),
                String.valueOf(r.get("last_error"))));
      }
      return out;
    }

    @Override
    public List<Long> replay(List<Long> ids) {
      List<Long> replayed = new ArrayList<>();
      if (call("action_replay", List.of(ids)) instanceof List<?> answer) {
        answer.forEach(id -> replayed.add(number(id)));
      }
      return replayed;
    }

    private Object call(String method, List<Object> args) {
      try {
        return client.call(DeadLetterModel.NAME, method, args);
      } catch (DaemonClient.Unavailable e) {
        throw new DaemonClient.Unavailable(held + ", and " + e.getMessage());
      }
    }

    private static long number(Object value) {
      return value instanceof Number n ? n.longValue() : -1;
    }

    @Override
    public void close() {
      // nothing held: each call is one request
    }
  }

  /** {@code sidecar dead-letters list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the dead letters with their last error.")
  static final class ListCommand implements Callable<Integer> {
    @ParentCommand DeadLettersCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      try (Source source = parent.open()) {
        List<DeadLetter> dead = source.list();
        for (DeadLetter e : dead) {
          out.printf(
              Locale.ROOT,
              "%d\t%s\t%s %s #%d\t%d attempts\t%s%n",
              e.id(),
              e.database(),
              e.operation(),
              e.model(),
              e.recordId(),
              e.attempts(),
              e.lastError());
        }
        out.println(dead.size() + " dead letters");
      } catch (DaemonClient.Unavailable e) {
        return unavailable(spec, e);
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code sidecar dead-letters replay ID...}. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = "Put dead letters back in line, attempts reset.")
  static final class ReplayCommand implements Callable<Integer> {
    @ParentCommand DeadLettersCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "The ids `list` shows.")
    List<Long> ids;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      int missing = 0;
      try (Source source = parent.open()) {
        List<Long> replayed = source.replay(ids);
        for (Long id : ids) {
          if (replayed.contains(id)) {
            out.println(id + " replayed");
          } else {
            out.println(id + " is not a dead letter");
            missing++;
          }
        }
      } catch (DaemonClient.Unavailable e) {
        return unavailable(spec, e);
      }
      out.flush();
      return missing == 0 ? ExitCodes.OK : ExitCodes.USAGE;
    }
  }
}
