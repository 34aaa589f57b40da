package io.odoosidecar.app;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The progress of {@code sidecar sync run} on stderr: records done of the total, failures and rate;
 * a bar redrawn in place on a terminal, a plain line per step otherwise (a log, a pipe).
 */
final class SyncProgress {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean terminal;
  private final Clock clock;
  private final int total;
  private final Instant start;
  private int done;
  private int failed;

  SyncProgress(PrintWriter err, boolean terminal, Clock clock, int total) {
    this.err = err;
    this.terminal = terminal;
    this.clock = clock;
    this.total = total;
    this.start = clock.instant();
  }

  /** Whether this process's stderr is a terminal. */
  static boolean stderrIsTerminal() {
    return System.console() != null && System.getenv("TERM") != null;
  }

  /** Counts a step of {@code records}, {@code failures} of them failed, and shows it. */
  void step(int records, int failures) {
    done += records;
    failed += failures;
    String text =
        String.format(
            Locale.ROOT, "%d/%d records, %d failed, %.1f records/s", done, total, failed, rate());
    if (terminal) {
      int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
      err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + text);
    } else {
      err.println("sync: " + text);
    }
    err.flush();
  }

  /** Ends the bar's line. */
  void finish() {
    if (terminal) {
      err.println();
      err.flush();
    }
  }

  int done() {
    return done;
  }

  int failed() {
    return failed;
  }

  /** Records a second since the start. */
  double rate() {
    long millis = Math.max(1, Duration.between(start, clock.instant()).toMillis());
    return done * 1000.0 / millis;
  }

  /** How long since the start. */
  Duration elapsed() {
    return Duration.between(start, clock.instant());
  }
}
