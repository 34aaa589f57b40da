package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.store.TestDatabases;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The last run of each schedule, per database and name, on H2 and on PostgreSQL. */
class ScheduleRunsTest {
  @TempDir Path dir;

  @Test
  void h2_keepsTheLastRunOfEach_acrossAReopen() {
    String url = TestDatabases.h2(dir);
    check(() -> DriverManager.getConnection(url));
    try (ScheduleRuns again =
        ScheduleRuns.open(() -> DriverManager.getConnection(url), Clock.systemUTC())) {
      assertThat(again.all()).hasSize(3);
    }
  }

  @Test
  void postgres_sameAsH2() {
    String url = TestDatabases.freshPostgres("schedule_runs");
    check(() -> DriverManager.getConnection(url, "postgres", ""));
  }

  private static void check(io.odoosidecar.store.EventLog.ConnectionSource source) {
    Instant t1 = Instant.parse("2030-01-10T08:00:00Z");
    Instant t2 = t1.plusSeconds(5);
    Instant t3 = t1.plusSeconds(3600);
    try (ScheduleRuns runs = ScheduleRuns.open(source, Clock.systemUTC())) {
      assertThat(runs.last(null, "nightly")).isEmpty();

      runs.started(null, "nightly", t1);
      assertThat(runs.last(null, "nightly"))
          .contains(new ScheduleRuns.Run(null, "nightly", t1, null, null, true));
      runs.finished(null, "nightly", t2, "ok");
      runs.started("other", "nightly", t1);
      runs.finished("other", "nightly", t2, "failed: no");
      runs.started(null, "hourly", t3);

      assertThat(runs.last(null, "nightly"))
          .contains(new ScheduleRuns.Run(null, "nightly", t1, t2, "ok", false));
      assertThat(runs.last("other", "nightly").orElseThrow().result()).isEqualTo("failed: no");

      // a later run replaces the last one; running again until it ends
      runs.started(null, "nightly", t3);
      assertThat(runs.last(null, "nightly").orElseThrow().running()).isTrue();
      assertThat(runs.last(null, "nightly").orElseThrow().started()).isEqualTo(t3);
      assertThat(runs.all())
          .extracting(r -> r.database() + "/" + r.name())
          .containsExactly("null/hourly", "null/nightly", "other/nightly");
    }
  }
}
