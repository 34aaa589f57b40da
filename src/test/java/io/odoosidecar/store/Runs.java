package io.odoosidecar.store;

import io.odoosidecar.pipeline.RuleRun;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.List;

/** Rule runs and stores to keep them in, for the tests of the run history and what reads it. */
public final class Runs {
  private Runs() {}

  /**
   * A run of two actions (a write making one call per record, then code making none); a run that
   * did not succeed has an error and a traceback naming its rule and result.
   */
  public static RuleRun run(
      String rule,
      String result,
      Instant started,
      long durationMicros,
      List<Long> events,
      List<Long> records) {
    boolean done = result.equals("done");
    String error = done ? "" : result + " in " + rule;
    String traceback = done ? "" : "Traceback (most recent call last):\n  " + error;
    List<RuleRun.Call> calls =
        records.stream()
            .map(r -> new RuleRun.Call("crm.lead", "write", 250 + r, done ? "" : error))
            .toList();
    return new RuleRun(
        rule,
        "on_create_or_write",
        "odoo",
        "crm.lead",
        events,
        records,
        started,
        durationMicros,
        result,
        error,
        traceback,
        List.of(
            new RuleRun.Action(
                0, "object_write", records.size(), durationMicros / 2, result, error, calls),
            new RuleRun.Action(
                1, "code", records.size(), durationMicros / 2, "done", "", List.of())));
  }

  /** A store's connections: embedded H2 under {@code dir}, or a fresh local PostgreSQL database. */
  public static EventLog.ConnectionSource source(String backend, Path dir, String name) {
    if (backend.equals("h2")) {
      String url = TestDatabases.h2(dir.resolve(name));
      return () -> DriverManager.getConnection(url);
    }
    String url = TestDatabases.freshPostgres(name);
    return () -> DriverManager.getConnection(url, "postgres", "");
  }
}
