package io.odoosidecar.app;

import io.odoosidecar.store.EventLog;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sidecar dead-letters ...}: events parked after their last failed attempt. */
@Command(
    name = "dead-letters",
    mixinStandardHelpOptions = true,
    description = "Events parked after their last failed attempt, in the event log under data-dir.",
    subcommands = {DeadLettersCommand.ListCommand.class, DeadLettersCommand.ReplayCommand.class})
final class DeadLettersCommand {
  @ParentCommand SidecarCommand root;

  EventLog open() {
    root.quietLogs();
    return EventLog.embedded(root.loadConfig().dataDir());
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
      try (EventLog log = parent.open()) {
        List<EventLog.Event> dead = log.deadLetters();
        for (EventLog.Event e : dead) {
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
      try (EventLog log = parent.open()) {
        for (Long id : ids) {
          if (log.replay(id, Instant.now())) {
            out.println(id + " replayed");
          } else {
            out.println(id + " is not a dead letter");
            missing++;
          }
        }
      }
      out.flush();
      return missing == 0 ? ExitCodes.OK : ExitCodes.USAGE;
    }
  }
}
