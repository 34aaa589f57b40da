package io.odoosidecar.harness;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a chaos run found, and its table.
 *
 * @param restarts instances started again after a kill (and at the end, any not running)
 * @param exits instances that exited by themselves and were started again, as a supervisor would
 * @param drained whether every change's effects were found before the drain's time-out
 * @param deadLetters events of the harness's model parked as dead letters
 * @param hostile the hostile suites' outcome and the target's notes, one line each
 * @param messageTimes per record, its messages' times (to tell where duplicates come from)
 * @param killTimes when each kill -9 was made
 */
record ChaosReport(
    ChaosSettings settings,
    String target,
    int changes,
    int kills,
    int restarts,
    int exits,
    int postgresRestarts,
    int odooRestarts,
    List<EffectCount> effects,
    long deadLetters,
    boolean drained,
    Duration wall,
    List<String> hostile,
    Map<Long, List<Instant>> messageTimes,
    List<Instant> killTimes) {

  /** Whether nothing was lost and nothing done twice, by every count. */
  boolean clean() {
    return effects.stream().allMatch(e -> e.lost() == 0 && e.duplicated() == 0);
  }

  void print(PrintStream out) {
    out.printf(
        "chaos on %s: %d instances on one PostgreSQL event log, %s%n",
        target,
        settings.instances(),
        drained ? "backlog drained" : "NOT drained within the time-out");
    row(out, "changes", changes);
    row(out, "kills (kill -9)", kills);
    row(out, "instance restarts", restarts);
    row(out, "exits restarted (supervisor)", exits);
    row(out, "PostgreSQL restarts", postgresRestarts);
    row(out, "Odoo restarts", odooRestarts);
    row(
        out,
        "counting endpoint down",
        settings.endpointDown().toSeconds() + " s (" + settings.downMode() + ")");
    row(out, "dead letters", deadLetters);
    row(out, "wall time", wall.toSeconds() + " s");
    out.printf(
        "| %-16s | %8s | %8s | %10s | %6s | %11s | %11s |%n",
        "effect", "expected", "found", "duplicated", "lost", "redelivered", "largest lag");
    for (EffectCount e : effects) {
      out.printf(
          "| %-16s | %8d | %8d | %10d | %6d | %11d | %9.1f s |%n",
          e.kind(),
          e.expected(),
          e.found(),
          e.duplicated(),
          e.lost(),
          e.redelivered(),
          e.largestLag().toMillis() / 1000.0);
    }
    for (String line : hostile) {
      out.println(line);
    }
    duplicates(out);
  }

  private static void row(PrintStream out, String name, Object value) {
    out.printf("| %-24s | %-30s |%n", name, value);
  }

  /**
   * For each record with two messages (the first ten): its messages' times and the kill -9 that
   * fell between them, if one did (a kill after Odoo posted the note and before the sidecar
   * recorded the action done makes the restarted claim post it again).
   */
  private void duplicates(PrintStream out) {
    for (EffectCount e : effects) {
      if (e.duplicated() == 0) {
        continue;
      }
      int between = 0;
      for (Long id : e.duplicatedRecords()) {
        List<Instant> times = messageTimes.getOrDefault(id, List.of());
        if (times.size() > 1 && killBetween(times.get(0), times.get(times.size() - 1)) != null) {
          between++;
        }
      }
      out.printf(
          "%s duplicated on %d records; on %d of them a kill -9 fell between the first and the"
              + " last%n",
          e.kind(), e.duplicated(), between);
      e.duplicatedRecords().stream()
          .limit(10)
          .forEach(
              id -> {
                List<Instant> times = messageTimes.getOrDefault(id, List.of());
                Instant kill =
                    times.size() > 1
                        ? killBetween(times.get(0), times.get(times.size() - 1))
                        : null;
                out.printf("  record %d: %s; kill between: %s%n", id, times, kill);
              });
    }
  }

  /** A kill within the span (a second early, for message times kept to the second). */
  private Instant killBetween(Instant first, Instant last) {
    return killTimes.stream()
        .filter(k -> !k.isBefore(first.minusSeconds(1)) && !k.isAfter(last.plusSeconds(1)))
        .findFirst()
        .orElse(null);
  }
}
