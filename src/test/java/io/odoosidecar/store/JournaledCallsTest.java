package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The call journal's contract, on embedded H2 and on PostgreSQL. */
class JournaledCallsTest {
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

  @TempDir Path dir;

  private static EventLog.NewEvent event(String key, long record) {
    return new EventLog.NewEvent("odoo", key, "crm.lead", record, "write", "{}");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void journaledCalls_outliveARestart_areFoundPerActionOnce(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "journal_restart");
    List<Long> ids;
    try (EventLog log = EventLog.open(source, null);
        JournaledCalls journal = JournaledCalls.open(log.connectionSource())) {
      ids = log.append(List.of(event("j1", 1), event("j2", 2), event("j3", 3)), T0);
      journal.journalCall("Rule#0", List.of(ids.get(0), ids.get(1)), "task", "[41]");
      journal.journalCall("Rule#0", List.of(ids.get(1)), "post", "true");
      journal.journalCall("Rule#0", List.of(ids.get(1)), "post", "true");
      journal.journalCall("Other#0", List.of(ids.get(0)), "post", "true");
    }
    try (EventLog log = EventLog.open(source, null);
        JournaledCalls journal = JournaledCalls.open(log.connectionSource())) {
      assertThat(journal.journal("Rule#0", ids))
          .as("a call written down for two events comes back once")
          .containsExactly(
              new JournaledCalls.Call("task", "[41]"),
              new JournaledCalls.Call("post", "true"),
              new JournaledCalls.Call("post", "true"));
      assertThat(journal.journal("Rule#0", List.of(ids.get(0))))
          .containsExactly(new JournaledCalls.Call("task", "[41]"));
      assertThat(journal.journal("Rule#0", List.of(ids.get(2)))).isEmpty();
      assertThat(journal.journal("Other#0", List.of(ids.get(1)))).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void forget_dropsTheCallsOfTheEventsDone_andOnlyThose(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "journal_forget");
    List<Long> ids;
    try (EventLog log = EventLog.open(source, null);
        JournaledCalls journal = JournaledCalls.open(log.connectionSource())) {
      ids = log.append(List.of(event("f1", 1), event("f2", 2), event("f3", 3)), T0);
      journal.journalCall("Rule#0", List.of(ids.get(0), ids.get(1)), "task", "[41]");
      journal.journalCall("Other#0", List.of(ids.get(0)), "post", "true");

      log.claim(10, T0);
      log.completeAll(List.of(ids.get(0), ids.get(2)));
      assertThat(journal.forget(List.of(ids.get(0), ids.get(2))))
          .as("of the two events done, one had calls")
          .isEqualTo(1);

      assertThat(journal.journal("Other#0", List.of(ids.get(0)))).isEmpty();
      assertThat(journal.journal("Rule#0", List.of(ids.get(0)))).isEmpty();
      assertThat(journal.journal("Rule#0", List.of(ids.get(1))))
          .as("the call stays for the event not yet done")
          .containsExactly(new JournaledCalls.Call("task", "[41]"));
    }
    try (EventLog log = EventLog.open(source, null);
        JournaledCalls journal = JournaledCalls.open(log.connectionSource())) {
      assertThat(journal.journal("Rule#0", List.of(ids.get(0)))).as("gone for good").isEmpty();
      assertThat(journal.journal("Rule#0", List.of(ids.get(1)))).hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void purge_sweepsTheCallsOfEventsDoneOrGone_andKeepsThoseThatMayRunAgain(String backend)
      throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "journal_purge");
    try (EventLog log = EventLog.open(source, null);
        JournaledCalls journal = JournaledCalls.open(log.connectionSource())) {
      Instant later = T0.plus(Duration.ofDays(2));
      List<Long> ids = new java.util.ArrayList<>();
      ids.addAll(
          log.append(List.of(event("done", 1), event("dead", 2), event("pending", 3)), later));
      ids.addAll(log.append(List.of(event("old", 4)), T0));
      for (long id : ids) {
        journal.journalCall("Rule#0", List.of(id), "call " + id, "true");
      }
      assertThat(log.claim(10, later)).hasSize(4);
      // completed, but the process died before the journal was told: the sweep finds them
      log.completeAll(List.of(ids.get(0), ids.get(3)));
      log.fail(ids.get(1), "boom", T0, 1);
      log.postpone(ids.get(2), "Odoo away", later.plusSeconds(60));
      log.purge(T0.plus(Duration.ofDays(1))); // the old done event is forgotten by the log

      assertThat(journal.purge()).as("the done event's call and the forgotten one's").isEqualTo(2);

      assertThat(journal.journal("Rule#0", List.of(ids.get(0), ids.get(3)))).isEmpty();
      assertThat(journal.journal("Rule#0", List.of(ids.get(1))))
          .as("a dead letter may be replayed")
          .containsExactly(new JournaledCalls.Call("call " + ids.get(1), "true"));
      assertThat(journal.journal("Rule#0", List.of(ids.get(2))))
          .containsExactly(new JournaledCalls.Call("call " + ids.get(2), "true"));
      assertThat(journal.purge()).as("nothing left to sweep").isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void callsJournaledByAnotherSidecar_areFoundAfterRefresh(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "journal_refresh");
    try (EventLog log = EventLog.open(source, null);
        JournaledCalls mine = JournaledCalls.open(log.connectionSource());
        JournaledCalls theirs = JournaledCalls.open(log.connectionSource())) {
      long id = log.append(List.of(event("r1", 1)), T0).get(0);
      theirs.journalCall("Rule#0", List.of(id), "post", "true");
      if (backend.equals("h2")) {
        assertThat(mine.journal("Rule#0", List.of(id)))
            .as("its events with calls are known from memory until refreshed")
            .isEmpty();
      } else {
        assertThat(mine.journal("Rule#0", List.of(id)))
            .as("PostgreSQL, shared by instances: asked at once")
            .containsExactly(new JournaledCalls.Call("post", "true"));
      }
      mine.refresh();
      assertThat(mine.journal("Rule#0", List.of(id)))
          .containsExactly(new JournaledCalls.Call("post", "true"));
    }
  }

  /**
   * What the pipeline asks of the journal for each batch (the calls of events without any, the
   * forgetting of events done without any) costs no statement: the hot path gains no round trip. On
   * H2 only: on PostgreSQL, which several instances share, an event taken over may have calls
   * another instance journaled, so the journal asks the database (as the cluster test shows).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2"})
  void eventsWithoutCalls_costNoStatement(String backend) throws Exception {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "journal_free");
    AtomicInteger statements = new AtomicInteger();
    try (EventLog log = EventLog.open(source, null);
        JournaledCalls journal =
            JournaledCalls.open(counting(log.connectionSource(), statements))) {
      List<Long> ids = log.append(List.of(event("a", 1), event("b", 2), event("c", 3)), T0);
      assertThat(journal.forget(ids)).isZero(); // none journaled yet
      journal.journalCall("Rule#0", List.of(ids.get(0)), "post", "true");
      int before = statements.get();

      assertThat(journal.journal("Rule#0", ids.subList(1, 3))).isEmpty();
      assertThat(journal.forget(ids.subList(1, 3))).isZero();
      assertThat(statements.get()).isEqualTo(before);

      assertThat(journal.journal("Rule#0", ids)).hasSize(1);
      assertThat(statements.get()).as("the event with a call is read").isGreaterThan(before);
    }
  }

  /** Connections from {@code source} that count the statements prepared or created on them. */
  private static EventLog.ConnectionSource counting(
      EventLog.ConnectionSource source, AtomicInteger statements) {
    return () -> {
      Connection real = source.open();
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(),
              new Class<?>[] {Connection.class},
              (proxy, method, args) -> {
                if (method.getName().startsWith("prepare")
                    || method.getName().equals("createStatement")) {
                  statements.incrementAndGet();
                }
                try {
                  return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                  throw e.getCause();
                }
              });
    };
  }
}
