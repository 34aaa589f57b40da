package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.pipeline.RuleRun;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The run history's contract, on embedded H2 and on PostgreSQL. */
class RunHistoryTest {
  private static final Instant T0 = Instant.parse("2030-01-10T08:00:00.123456789Z");

  @TempDir Path dir;

  private RunHistory open(String backend, String name, Clock clock, RunHistory.Limits limits) {
    return RunHistory.open(Runs.source(backend, dir, name), clock, limits);
  }

  private RunHistory open(String backend, String name) {
    return open(backend, name, Clock.systemUTC(), RunHistory.Limits.DEFAULT);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void append_thenRun_givesTheRunBack_actionsAndCallsIncluded(String backend) {
    RuleRun failed =
        Runs.run("Tag leads", "failed", T0, 12_345, List.of(101L, 102L), List.of(7L, 8L));
    try (RunHistory history = open(backend, "run_history_roundtrip")) {
      List<Long> ids =
          history.append(
              List.of(
                  Runs.run("Tag leads", "done", T0, 1_000, List.of(100L), List.of(6L)), failed));
      assertThat(ids).hasSize(2).doesNotHaveDuplicates();

      RunHistory.Run kept = history.run(ids.get(1)).orElseThrow();
      RuleRun expected =
          new RuleRun(
              failed.rule(),
              failed.trigger(),
              failed.database(),
              failed.model(),
              failed.events(),
              failed.records(),
              failed.started().truncatedTo(ChronoUnit.MILLIS),
              failed.durationMicros(),
              failed.result(),
              failed.error(),
              failed.traceback(),
              failed.actions());
      assertThat(kept.run()).isEqualTo(expected);
      assertThat(kept.calls()).isEqualTo(RunHistory.calls(failed)).isEqualTo(2);
      assertThat(kept.actionsJson()).isEqualTo(RunHistory.actionsJson(failed.actions()));
      assertThat(history.run(ids.get(1) + 1000)).isEmpty();
      assertThat(history.runs(List.of(ids.get(1), ids.get(0), -5L)))
          .extracting(RunHistory.Run::id)
          .containsExactly(ids.get(0), ids.get(1));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void recent_newestFirst_pagedAndOfOneRule(String backend) {
    try (RunHistory history = open(backend, "run_history_recent")) {
      List<RuleRun> runs = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        String rule = i % 2 == 0 ? "Even" : "Odd";
        runs.add(
            Runs.run(rule, "done", T0.plusSeconds(i), 100 + i, List.of((long) i), List.of(1L)));
      }
      List<Long> ids = history.append(runs);

      assertThat(history.recent(null, 0, 3))
          .extracting(RunHistory.Run::id)
          .containsExactly(ids.get(6), ids.get(5), ids.get(4));
      assertThat(history.recent(null, 3, 3))
          .extracting(RunHistory.Run::id)
          .containsExactly(ids.get(3), ids.get(2), ids.get(1));
      assertThat(history.recent("Odd", 0, 10))
          .extracting(RunHistory.Run::id)
          .containsExactly(ids.get(5), ids.get(3), ids.get(1));
      assertThat(history.recent("Even", 1, 2))
          .extracting(RunHistory.Run::id)
          .containsExactly(ids.get(4), ids.get(2));
      assertThat(history.page(ids.get(2), false, 2))
          .extracting(RunHistory.Run::id)
          .containsExactly(ids.get(3), ids.get(4));
      assertThat(history.page(ids.get(2), true, 5))
          .extracting(RunHistory.Run::id)
          .containsExactly(ids.get(1), ids.get(0));
      assertThat(history.count()).isEqualTo(7);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void lastFailure_isTheNewestRunThatFailedOrParkedTheEvent(String backend) {
    try (RunHistory history = open(backend, "run_history_failure")) {
      List<Long> ids =
          history.append(
              List.of(
                  Runs.run("A", "failed", T0, 10, List.of(1L, 2L), List.of(11L, 12L)),
                  Runs.run("B", "parked", T0.plusSeconds(1), 10, List.of(2L), List.of(12L)),
                  Runs.run("C", "done", T0.plusSeconds(2), 10, List.of(1L, 2L), List.of(11L, 12L)),
                  Runs.run("D", "waiting", T0.plusSeconds(3), 10, List.of(1L), List.of(11L))));

      assertThat(history.lastFailure(1).orElseThrow().id()).isEqualTo(ids.get(0));
      assertThat(history.lastFailure(2).orElseThrow().run().rule()).isEqualTo("B");
      assertThat(history.lastFailure(3)).isEmpty();
      assertThat(history.lastFailures(List.of(1L, 2L, 3L)))
          .containsOnlyKeys(1L, 2L)
          .hasEntrySatisfying(2L, r -> assertThat(r.run().traceback()).contains("parked in B"));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void stats_percentilesByNearestRank_lastRunAndLastError(String backend) {
    try (RunHistory history = open(backend, "run_history_stats")) {
      List<RuleRun> runs = new ArrayList<>();
      // 20 runs of 1 ms .. 20 ms, in shuffled order; the 7th (5 ms) failed
      long[] millis = {13, 2, 20, 7, 1, 18, 5, 11, 9, 16, 3, 14, 19, 6, 10, 4, 17, 8, 12, 15};
      for (int i = 0; i < millis.length; i++) {
        runs.add(
            Runs.run(
                "Slow",
                i == 6 ? "failed" : "done",
                T0.plusSeconds(i),
                millis[i] * 1000,
                List.of((long) i),
                List.of(1L)));
      }
      runs.add(Runs.run("Other", "done", T0, 500, List.of(99L), List.of(1L)));
      history.append(runs);

      RunHistory.Stats slow = history.stats("Slow").orElseThrow();
      assertThat(slow.runs()).isEqualTo(20);
      // nearest rank over 1..20 ms: the 10th value is the median, the 19th the 95th percentile
      assertThat(slow.p50Ms()).isEqualTo(10.0);
      assertThat(slow.p95Ms()).isEqualTo(19.0);
      assertThat(slow.lastRun()).isEqualTo(T0.plusSeconds(19).truncatedTo(ChronoUnit.MILLIS));
      assertThat(slow.lastResult()).isEqualTo("done");
      assertThat(slow.lastError()).isEqualTo("failed in Slow");
      assertThat(slow.lastErrorAt()).isEqualTo(T0.plusSeconds(6).truncatedTo(ChronoUnit.MILLIS));

      RunHistory.Stats other = history.stats().get("Other");
      assertThat(other.p50Ms()).isEqualTo(0.5);
      assertThat(other.lastError()).isEmpty();
      assertThat(other.lastErrorAt()).isNull();
      assertThat(history.stats()).containsOnlyKeys("Other", "Slow");
      assertThat(history.stats("None")).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void prune_keepsTheNewestMaxRuns_andTheirFailureLinksOnly(String backend) {
    TestClock clock = new TestClock(T0);
    try (RunHistory history =
        open(backend, "run_history_count", clock, new RunHistory.Limits(5, Duration.ofDays(30)))) {
      List<RuleRun> runs = new ArrayList<>();
      for (long i = 0; i < 8; i++) {
        runs.add(Runs.run("R", "failed", T0.plusSeconds(i), 10, List.of(i), List.of(i)));
      }
      List<Long> ids = history.append(runs);

      assertThat(history.prune()).isEqualTo(3);
      List<Long> newest = new ArrayList<>(ids.subList(3, 8));
      java.util.Collections.reverse(newest);
      assertThat(history.recent(null, 0, 100))
          .extracting(RunHistory.Run::id)
          .containsExactlyElementsOf(newest);
      assertThat(history.lastFailure(2)).isEmpty();
      assertThat(history.lastFailure(3).orElseThrow().id()).isEqualTo(ids.get(3));
      assertThat(history.prune()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void prune_removesTheRunsStartedBeforeTheRetention(String backend) {
    TestClock clock = new TestClock(T0);
    try (RunHistory history =
        open(backend, "run_history_age", clock, new RunHistory.Limits(1000, Duration.ofDays(15)))) {
      List<Long> ids =
          history.append(
              LongStream.of(0, 10, 20)
                  .mapToObj(
                      day ->
                          Runs.run(
                              "R",
                              "parked",
                              T0.plus(Duration.ofDays(day)),
                              10,
                              List.of(day),
                              List.of(day)))
                  .toList());

      assertThat(history.prune()).isZero(); // nothing is 15 days old yet
      clock.advance(Duration.ofDays(30));
      assertThat(history.prune()).isEqualTo(2);
      assertThat(history.recent(null, 0, 10))
          .extracting(RunHistory.Run::id)
          .containsExactly(ids.get(2));
      assertThat(history.lastFailure(0)).isEmpty();
      assertThat(history.lastFailure(20)).isPresent();
    }
  }

  @Test
  void h2_keepsTheRunsAcrossAReopen() {
    try (RunHistory history = open("h2", "reopen")) {
      history.append(List.of(Runs.run("R", "done", T0, 10, List.of(1L), List.of(1L))));
    }
    try (RunHistory again = open("h2", "reopen")) {
      assertThat(again.recent(null, 0, 10))
          .singleElement()
          .satisfies(r -> assertThat(r.run().rule()).isEqualTo("R"));
    }
  }

  @Test
  void longTextsAreCut_callsBeyondTheKeptOnesAreCounted() {
    List<Long> records = LongStream.rangeClosed(1, RunHistory.CALLS_KEPT + 30).boxed().toList();
    RuleRun run = Runs.run("Many", "failed", T0, 10, List.of(1L), records);
    RuleRun huge =
        new RuleRun(
            run.rule(),
            run.trigger(),
            run.database(),
            run.model(),
            run.events(),
            run.records(),
            run.started(),
            run.durationMicros(),
            run.result(),
            "e".repeat(20_000),
            "t".repeat(200_000),
            run.actions());
    try (RunHistory history = open("h2", "long")) {
      RunHistory.Run kept = history.run(history.append(List.of(huge)).get(0)).orElseThrow();
      assertThat(kept.run().error()).hasSizeLessThan(20_000).startsWith("eee");
      assertThat(kept.run().traceback()).hasSizeLessThan(200_000).startsWith("ttt");
      assertThat(kept.calls()).isEqualTo(records.size());
      assertThat(kept.run().actions().get(0).calls()).hasSize(RunHistory.CALLS_KEPT);
      assertThat(kept.actionsJson()).contains("\"calls_omitted\":30");
      assertThat(kept.run().records()).isEqualTo(records);
    }
  }
}
