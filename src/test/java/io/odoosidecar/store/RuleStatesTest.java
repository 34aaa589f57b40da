package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules' states' contract, on embedded H2 and on PostgreSQL. */
class RuleStatesTest {
  private static final Instant T0 = Instant.parse("2030-01-10T08:00:00Z");

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void ids_areStableAndDistinct_acrossAReopen(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "rule_states_ids");
    long tag;
    long mail;
    try (RuleStates states = RuleStates.open(source, Clock.systemUTC())) {
      tag = states.id("Tag leads");
      mail = states.id("Mail customers");
      assertThat(tag).isNotEqualTo(mail);
      assertThat(states.id("Tag leads")).isEqualTo(tag);
    }
    try (RuleStates again = RuleStates.open(source, Clock.systemUTC())) {
      assertThat(again.all()).containsOnlyKeys("Mail customers", "Tag leads");
      assertThat(again.id("Mail customers")).isEqualTo(mail);
      assertThat(again.id("Tag leads")).isEqualTo(tag);
      assertThat(again.id("New")).isNotIn(tag, mail);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void pauseAndResume_recordWhenAndWho_andSurviveAReopen(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "rule_states_pause");
    try (RuleStates states = RuleStates.open(source, Clock.systemUTC())) {
      assertThat(states.isPaused("Tag leads")).isFalse();
      assertThat(states.pause("Tag leads", "admin", T0)).isTrue();
      assertThat(states.pause("Tag leads", "someone else", T0.plusSeconds(5))).isFalse();
      assertThat(states.pause("Mail customers", "ops", T0.plusSeconds(1))).isTrue();
      assertThat(states.isPaused("Tag leads")).isTrue();
      assertThat(states.paused()).containsExactlyInAnyOrder("Tag leads", "Mail customers");

      assertThat(states.resume("Mail customers", "ops2", T0.plusSeconds(60))).isTrue();
      assertThat(states.resume("Mail customers", "ops2", T0.plusSeconds(61))).isFalse();
      assertThat(states.resume("Never paused", "x", T0)).isFalse();
      assertThat(states.paused()).containsExactly("Tag leads");
    }
    try (RuleStates again = RuleStates.open(source, Clock.systemUTC())) {
      assertThat(again.isPaused("Tag leads")).isTrue();
      assertThat(again.isPaused("Mail customers")).isFalse();
      RuleStates.State tag = again.state("Tag leads").orElseThrow();
      assertThat(tag.pausedAt()).isEqualTo(T0);
      assertThat(tag.pausedBy()).isEqualTo("admin");
      RuleStates.State mail = again.state("Mail customers").orElseThrow();
      assertThat(mail.pausedBy()).isEqualTo("ops");
      assertThat(mail.pausedAt()).isEqualTo(T0.plusSeconds(1));
      assertThat(mail.resumedBy()).isEqualTo("ops2");
      assertThat(mail.resumedAt()).isEqualTo(T0.plusSeconds(60));
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void recordRun_countsFirings_keepsTheLastRunAndTheLastError(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "rule_states_runs");
    try (RuleStates states = RuleStates.open(source, Clock.systemUTC())) {
      states.recordRun("R", T0, "");
      states.recordRun("R", T0.plusSeconds(10), "boom");
      states.recordRuns(
          List.of(
              new RuleStates.Mark("R", T0.plusSeconds(30), ""),
              new RuleStates.Mark("R", T0.plusSeconds(20), "older failure"),
              new RuleStates.Mark("S", T0.plusSeconds(5), "")));
      // a run told late (started before the last one) moves neither the last run nor the error
      states.recordRun("R", T0.plusSeconds(1), "late failure");

      RuleStates.State r = states.state("R").orElseThrow();
      assertThat(r.fired()).isEqualTo(5);
      assertThat(r.lastRun()).isEqualTo(T0.plusSeconds(30));
      assertThat(r.lastError()).isEqualTo("older failure");
      assertThat(r.lastErrorAt()).isEqualTo(T0.plusSeconds(20));
      assertThat(states.state("S").orElseThrow().fired()).isEqualTo(1);
      assertThat(states.state("S").orElseThrow().lastError()).isEmpty();
    }
    try (RuleStates again = RuleStates.open(source, Clock.systemUTC())) {
      assertThat(again.state("R").orElseThrow().fired()).isEqualTo(5);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void twoSidecarsOnOneStore_shareIdsAndCounts_andSeePausesAfterRefresh(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "rule_states_shared");
    try (RuleStates first = RuleStates.open(source, Clock.systemUTC());
        RuleStates second = RuleStates.open(source, Clock.systemUTC())) {
      long id = first.id("Shared");
      assertThat(second.id("Shared")).isEqualTo(id);
      first.recordRun("Shared", T0, "");
      second.recordRun("Shared", T0.plusSeconds(1), "");
      assertThat(second.state("Shared").orElseThrow().fired()).isEqualTo(2);

      first.pause("Shared", "admin", T0);
      assertThat(second.isPaused("Shared")).isFalse(); // from memory until refreshed
      second.refresh();
      assertThat(second.isPaused("Shared")).isTrue();
      assertThat(second.state("Shared").orElseThrow().fired()).isEqualTo(2);
    }
  }
}
