package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.action.PostKeys;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.JournaledCalls;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether a database takes posts' keys, and the keys the call journal gives code's posts. */
class PostKeyProbeTest {
  @TempDir Path dir;

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    Instant now = Instant.parse("2026-12-01T10:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aDatabaseWithTheAddonsModelIsAskedOnce() {
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES).withPostKeys();
    PostKeyProbe probe = new PostKeyProbe(new MovingClock());
    assertThat(probe.honoured("memory", odoo)).isTrue();
    assertThat(probe.honoured("memory", odoo)).isTrue();
    assertThat(odoo.calls("search_count")).isEqualTo(1);
  }

  @Test
  void aDatabaseWithoutItIsAskedAgainOnceTheRecheckPassed_andFoundOnceTheAddonIsThere() {
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    MovingClock clock = new MovingClock();
    PostKeyProbe probe = new PostKeyProbe(clock);
    assertThat(probe.honoured("memory", odoo)).isFalse();
    odoo.withPostKeys(); // installed while the sidecar runs
    clock.now = clock.now.plus(PostKeyProbe.RECHECK).minusSeconds(1);
    assertThat(probe.honoured("memory", odoo)).as("not asked again yet").isFalse();
    assertThat(odoo.calls("search_count")).isEqualTo(1);
    clock.now = clock.now.plusSeconds(1);
    assertThat(probe.honoured("memory", odoo)).isTrue();
    assertThat(odoo.calls("search_count")).isEqualTo(2);
  }

  @Test
  void eachDatabaseIsAskedOfItsOwn() {
    MemoryOdoo with = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES).withPostKeys();
    MemoryOdoo without = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
    PostKeyProbe probe = new PostKeyProbe(new MovingClock());
    assertThat(probe.honoured("a", with)).isTrue();
    assertThat(probe.honoured("b", without)).isFalse();
  }

  @Test
  void theNthIdenticalCallGetsTheSameKeyInEveryAttempt_thoseAnsweredFromTheJournalCounted() {
    try (EventLog log = EventLog.embedded(dir);
        JournaledCalls calls = JournaledCalls.open(log.connectionSource())) {
      long event =
          log.append(
                  List.of(new EventLog.NewEvent("memory", "k1", "crm.lead", 7L, "write", "{}")),
                  Instant.now())
              .get(0);
      PostKeys keys = PostKeys.of("memory", () -> true);
      String call = "[\"crm.lead\",\"message_post\",[[7]],{\"body\":\"hello\"}]";
      ActionJournal first = new ActionJournal(calls, "R#0", "crm.lead", Map.of(7L, event), keys);
      assertThat(first.replay(call)).isEmpty();
      String one = first.postKey(call).orElseThrow();
      first.made(call, "true");
      assertThat(first.replay(call)).isEmpty();
      String two = first.postKey(call).orElseThrow();
      // the sidecar stops before writing the second call down; the next attempt:
      ActionJournal again = new ActionJournal(calls, "R#0", "crm.lead", Map.of(7L, event), keys);
      assertThat(again.replay(call)).as("the first, from the journal").contains("true");
      assertThat(again.replay(call)).isEmpty();
      assertThat(again.postKey(call)).as("the second again, under its key").contains(two);
      assertThat(two).isNotEqualTo(one);
      assertThat(new ActionJournal(calls, "R#1", "crm.lead", Map.of(7L, event), keys).postKey(call))
          .isNotEqualTo(Optional.of(one));
      assertThat(
              new ActionJournal(calls, "R#0", "crm.lead", Map.of(7L, event), PostKeys.NONE)
                  .postKey(call))
          .isEmpty();
    }
  }
}
