package io.odoosidecar.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.odoosidecar.schedule.ScheduleModel;
import io.odoosidecar.schedule.ScheduleStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sidecar schedules ...}: the scheduled actions of the running daemon. Their next fires live
 * in the daemon's scheduler, so the daemon is asked ({@code sidecar.schedule} on its RPC endpoint,
 * with the push secret), as {@code dead-letters} asks it; when no daemon answers, the command says
 * so and exits {@value ExitCodes#UNREACHABLE}.
 */
@Command(
    name = "schedules",
    mixinStandardHelpOptions = true,
    description =
        "The scheduled actions (the `schedules:` of the rule files) of the running daemon.",
    subcommands = {SchedulesCommand.ListCommand.class})
final class SchedulesCommand {
  @ParentCommand SidecarCommand root;

  /** {@code sidecar schedules list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "List the running daemon's schedules: name, kind, database, next fire, last run and its",
        "result. Exits 3 when no daemon answers."
      })
  static final class ListCommand implements Callable<Integer> {
    private static final ObjectMapper JSON =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @ParentCommand SchedulesCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print the rows as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws JsonProcessingException {
      parent.root.quietLogs();
      List<Map<?, ?>> rows;
      try {
        rows = rows(DaemonClient.of(parent.root.loadConfig()));
      } catch (DaemonClient.Unavailable e) {
        return DeadLettersCommand.unavailable(
            spec, new DaemonClient.Unavailable("cannot list the schedules: " + e.getMessage()));
      }
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(JSON.writeValueAsString(rows));
      } else {
        print(out, rows.stream().map(ScheduleModel::status).toList());
      }
      out.flush();
      return ExitCodes.OK;
    }

    private static List<Map<?, ?>> rows(DaemonClient client) {
      Object answer = client.call(ScheduleModel.NAME, "search_read", List.of());
      if (!(answer instanceof List<?> list)
          || !list.stream().allMatch(r -> r instanceof Map<?, ?>)) {
        throw new DaemonClient.Unavailable(
            "the sidecar at " + client.endpoint() + " did not answer a list of schedules");
      }
      List<Map<?, ?>> rows = new ArrayList<>();
      list.forEach(r -> rows.add((Map<?, ?>) r));
      return rows;
    }

    /** The schedules as a table, its columns as wide as their widest cell. */
    static void print(PrintWriter out, List<ScheduleStatus> schedules) {
      List<String[]> lines = new ArrayList<>();
      lines.add(new String[] {"NAME", "KIND", "DATABASE", "NEXT FIRE", "LAST RUN", "RESULT"});
      for (ScheduleStatus s : schedules) {
        lines.add(
            new String[] {
              s.name(),
              s.kind(),
              s.database() == null ? "(main)" : s.database(),
              time(s.nextFire()),
              s.running() ? "running since " + time(s.lastRun()) : time(s.lastRun()),
              s.lastResult() == null ? "-" : s.lastResult()
            });
      }
      int[] widths = new int[lines.get(0).length];
      for (String[] line : lines) {
        for (int i = 0; i < line.length - 1; i++) {
          widths[i] = Math.max(widths[i], line[i].length());
        }
      }
      for (String[] line : lines) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < line.length; i++) {
          text.append(i < line.length - 1 ? pad(line[i], widths[i] + 2) : line[i]);
        }
        out.println(text.toString().stripTrailing());
      }
      out.println(schedules.size() + " schedules");
    }

    private static String time(Instant at) {
      return at == null ? "-" : at.toString();
    }

    private static String pad(String text, int width) {
      return text + " ".repeat(Math.max(0, width - text.length()));
    }
  }
}
