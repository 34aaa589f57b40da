package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The event log's contract, on embedded H2 and on PostgreSQL. */
class EventLogTest {
  @TempDir static Path dir;
  private static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
  private static final java.util.Set<String> CREATED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  @org.junit.jupiter.api.AfterAll
  static void dropTestDatabases() throws SQLException {
    if (CREATED.isEmpty()) {
      return;
    }
    try (Connection admin =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "");
        var s = admin.createStatement()) {
      for (String db : CREATED) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  record Backend(String name, Function<String, EventLog> open) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Backend> backends() {
    return Stream.of(
        new Backend("h2", name -> EventLog.embedded(dir.resolve(name))),
        new Backend("postgresql", EventLogTest::postgres));
  }

  /**
   * A throwaway database on the machine's PostgreSQL; skipped, with a reason, when none answers.
   */
  private static EventLog postgres(String name) {
    String db = "sidecar_test_" + name.replaceAll("[^a-z0-9]", "_");
    try (Connection admin =
        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "")) {
      try (var s = admin.createStatement();
          var exists = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + db + "'")) {
        if (!exists.next()) { // created once: opening again is a restart, not a new log
          try (var create = admin.createStatement()) {
            create.execute("CREATE DATABASE " + db);
          }
          CREATED.add(db);
        }
      }
    } catch (SQLException e) {
      assumeTrue(
          false,
          "no PostgreSQL on 127.0.0.1:5432 (" + e.getMessage() + "): PostgreSQL case skipped");
    }
    return EventLog.open("jdbc:postgresql://127.0.0.1:5432/" + db, "postgres", "");
  }

  private static EventLog.NewEvent event(String key, long record) {
    return new EventLog.NewEvent(
        "odoo", key, "crm.lead", record, "write", "{\"fields\": [\"name\"]}");
  }

  private static String name() {
    return "log_" + UUID.randomUUID().toString().substring(0, 8);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void duplicateDeliveries_areStoredOnce(Backend backend) {
    try (EventLog log = backend.open().apply(name())) {
      assertThat(log.append(List.of(event("outbox:1", 7), event("outbox:2", 7)), T0)).hasSize(2);
      assertThat(log.append(List.of(event("outbox:2", 7), event("outbox:3", 8)), T0)).hasSize(1);
      assertThat(log.counts()).containsEntry("pending", 3L);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aLargeDelivery_storesEachNewEventOnce_inOrder_pastTheQueriesChunks(Backend backend) {
    try (EventLog log = backend.open().apply(name())) {
      List<EventLog.NewEvent> first = new java.util.ArrayList<>();
      for (int i = 0; i < 700; i++) {
        first.add(event("outbox:" + i, 1000 + i));
      }
      assertThat(log.append(first, T0)).hasSize(700);
      List<EventLog.NewEvent> second = new java.util.ArrayList<>();
      for (int i = 0; i < 1300; i++) { // 600 of them stored already, keys past one query's chunk
        second.add(event("outbox:" + (100 + i), 2000 + i));
      }
      second.add(event("outbox:1300", 9999)); // twice in one delivery: stored once
      List<EventLog.Event> added = log.appendEvents(second, T0);
      assertThat(added).extracting(EventLog.Event::dedupeKey).doesNotHaveDuplicates();
      assertThat(added).hasSize(1300 - 600);
      assertThat(added).extracting(EventLog.Event::dedupeKey).startsWith("outbox:700");
      assertThat(added).extracting(EventLog.Event::id).isSorted();
      assertThat(added)
          .filteredOn(e -> e.dedupeKey().equals("outbox:1300"))
          .singleElement()
          .extracting(EventLog.Event::recordId)
          .isEqualTo(2000L + 1200); // the first of the two
      assertThat(log.counts()).containsEntry("pending", 1400L);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void aRecordsVersion_isStoredOnce_whateverItsKey(Backend backend) {
    try (EventLog log = backend.open().apply(name())) {
      assertThat(
              log.append(List.of(versioned("poll:a", 7, "v1"), versioned("poll:b", 8, "v1")), T0))
          .hasSize(2);
      List<EventLog.Event> added =
          log.appendEvents(
              List.of(
                  versioned("poll:c", 7, "v1"), // record 7's v1 is stored: a duplicate
                  versioned("poll:d", 7, "v2"),
                  versioned("poll:e", 7, "v2"), // the same version twice in one delivery
                  versioned("poll:f", 9, "v1"),
                  new EventLog.NewEvent("other", "poll:g", "crm.lead", 7, "write", "{}", "v1"),
                  new EventLog.NewEvent("odoo", "poll:h", "project.task", 7, "write", "{}", "v1"),
                  new EventLog.NewEvent("odoo", "poll:i", "project.task", 7, "write", "{}", "v1")),
              T0);
      assertThat(added)
          .as("a version is a record's: another model's record 7 at v1 is not record 7's v1")
          .extracting(EventLog.Event::dedupeKey)
          .containsExactly("poll:d", "poll:f", "poll:g", "poll:h");
    }
  }

  @org.junit.jupiter.api.Test
  void theStoredVersionsQuery_readsAFewPages_ofALargeLog() throws SQLException {
    try (EventLog log = postgres(name());
        var s = log.connection().createStatement()) {
      s.execute(
          "INSERT INTO sidecar_event (db, dedupe_key, model, record_id, operation, payload,"
              + " status, attempts, next_attempt_at, version) SELECT 'odoo', 'outbox:' || g,"
              + " 'crm.lead', g, 'write', repeat('x', 300), 'done', 0, now(), 'v' || g"
              + " FROM generate_series(1, 20000) g");
      s.execute("ANALYZE sidecar_event");
      long pages = 0;
      try (var explain =
          log.connection()
              .prepareStatement(
                  "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + EventLog.storedVersionsQuery(3))) {
        explain.setString(1, "odoo");
        explain.setString(2, "crm.lead");
        for (int i = 0; i < 3; i++) {
          explain.setLong(3 + i, 30_000 + i);
          explain.setString(6 + i, "v" + i);
        }
        pages = TestDatabases.pagesRead(TestDatabases.plan(explain));
      }
      assertThat(pages)
          .as(
              "pages read to look up 3 records' versions in a log of 20,000 events (each push does)")
          .isLessThan(40);
    }
  }

  private static EventLog.NewEvent versioned(String key, long record, String version) {
    return new EventLog.NewEvent(
        "odoo", key, "crm.lead", record, "write", "{\"fields\": [\"name\"]}", version);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void eventsOfOneRecord_comeOutInOrder_otherRecordsInParallel(Backend backend) {
    try (EventLog log = backend.open().apply(name())) {
      log.append(List.of(event("a1", 1), event("a2", 1), event("b1", 2), event("a3", 1)), T0);
      List<EventLog.Event> first = log.claim(10, T0);
      assertThat(first).extracting(EventLog.Event::dedupeKey).containsExactly("a1", "b1");
      assertThat(log.claim(10, T0)).as("a2 waits for a1").isEmpty();
      log.complete(first.get(0).id());
      assertThat(log.claim(10, T0)).extracting(EventLog.Event::dedupeKey).containsExactly("a2");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void failures_areRetriedLater_thenParked_andCanBeReplayed(Backend backend) {
    try (EventLog log = backend.open().apply(name())) {
      log.append(List.of(event("x", 1)), T0);
      long id = log.claim(1, T0).get(0).id();
      log.fail(id, "Odoo unreachable", T0.plusSeconds(30), 2);
      assertThat(log.claim(1, T0.plusSeconds(10))).as("not before its retry time").isEmpty();
      assertThat(log.claim(1, T0.plusSeconds(31))).hasSize(1);
      log.fail(id, "ValidationError: nope", T0.plusSeconds(90), 2);
      assertThat(log.claim(1, T0.plus(Duration.ofHours(1)))).as("parked").isEmpty();
      assertThat(log.deadLetters())
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.attempts()).isEqualTo(2);
                assertThat(e.lastError()).isEqualTo("ValidationError: nope");
              });
      assertThat(log.replay(id, T0.plus(Duration.ofHours(2)))).isTrue();
      assertThat(log.claim(1, T0.plus(Duration.ofHours(2))))
          .extracting(EventLog.Event::attempts)
          .containsExactly(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void afterACrash_claimedEventsAreHandedOutAgain_andDoneActionsAreKnown(Backend backend) {
    String name = name();
    long id;
    try (EventLog log = backend.open().apply(name)) {
      log.append(List.of(event("y", 3)), T0);
      id = log.claim(1, T0).get(0).id();
      log.markActionDone(id, "rule 9 action 499", "written");
      log.markActionDone(id, "rule 9 action 499", "written again"); // idempotent
      // the process dies here, before completing the event
    }
    try (EventLog log = backend.open().apply(name)) {
      assertThat(log.claim(1, T0)).extracting(EventLog.Event::id).containsExactly(id);
      assertThat(log.claim(1, T0)).as("claimed by this process until settled").isEmpty();
      assertThat(log.recover()).as("releases this process's claims").isEqualTo(1);
      assertThat(log.claim(1, T0)).extracting(EventLog.Event::id).containsExactly(id);
      assertThat(log.actionDone(id, "rule 9 action 499")).contains("written");
      assertThat(log.actionDone(id, "rule 9 action 500")).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void eventAppendedNow_isClaimableNow_whateverTheClocksPrecision(Backend backend) {
    try (EventLog log = backend.open().apply(name())) {
      Instant now = Instant.parse("2026-11-23T12:00:00.123456789Z"); // rounds up to .123457
      log.append(List.of(event("n", 1)), now);
      assertThat(log.claim(1, now)).hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void purge_forgetsOldDoneEventsOnly(Backend backend) {
    try (EventLog log = backend.open().apply(name())) {
      log.append(List.of(event("old", 1), event("pending", 2)), T0);
      long old = log.claim(1, T0).get(0).id();
      log.markActionDone(old, "rule 1 action 0", "ok");
      log.complete(old);
      log.append(List.of(event("recent", 3)), T0.plus(Duration.ofDays(8)));
      long recent =
          log.claim(5, T0.plus(Duration.ofDays(8))).stream()
              .filter(e -> e.dedupeKey().equals("recent"))
              .findFirst()
              .orElseThrow()
              .id();
      log.complete(recent);

      assertThat(log.purge(T0.plus(Duration.ofDays(7)))).isEqualTo(1);
      assertThat(log.actionDone(old, "rule 1 action 0")).isEmpty();
      assertThat(log.counts()).containsEntry("done", 1L).containsEntry("pending", 1L);
      // its dedupe key went with it: the same delivery now counts as new
      assertThat(log.append(List.of(event("old", 1)), T0.plus(Duration.ofDays(9)))).hasSize(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void refresh_takesInWhatAnotherProcessReplayed(Backend backend) {
    String name = name();
    try (EventLog daemon = backend.open().apply(name)) {
      daemon.append(List.of(event("z", 4)), T0);
      long id = daemon.claim(1, T0).get(0).id();
      daemon.fail(id, "boom", T0, 1); // parked at once
      assertThat(daemon.claim(1, T0)).isEmpty();
      if (backend.name().equals("h2")) {
        // an embedded file has one user at a time: the replay comes from this process
        assertThat(daemon.replay(id, T0)).isTrue();
      } else {
        try (EventLog cli = backend.open().apply(name)) {
          assertThat(cli.replay(id, T0)).isTrue();
        }
        // a shared log's claims read the database: the replay is seen with no refresh
        assertThat(daemon.refresh()).as("nothing kept in memory to refresh").isZero();
      }
      assertThat(daemon.claim(1, T0)).extracting(EventLog.Event::id).containsExactly(id);
    }
  }
}
