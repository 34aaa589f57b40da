package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several instances on one PostgreSQL event log: leased claims, each record's events one at a time
 * and in order whoever claims them, an expired lease taken over and its holder's late settle
 * ignored.
 */
class EventLogClusterTest {
  private static final Instant T0 = Instant.parse("2031-03-04T10:00:00Z");
  private static final Duration LEASE = Duration.ofSeconds(30);

  private final List<EventLog> opened = new ArrayList<>();
  private String url;

  @AfterEach
  void dropTheDatabase() throws SQLException {
    opened.forEach(EventLog::close);
    if (url != null) {
      String db = url.substring(url.lastIndexOf('/') + 1);
      try (Connection admin =
              DriverManager.getConnection(TestDatabases.POSTGRES + "postgres", "postgres", "");
          var s = admin.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  private EventLog instance(String id) {
    if (url == null) {
      url = TestDatabases.freshPostgres("event_log_cluster");
    }
    EventLog log = EventLog.open(url, "postgres", "", new EventLog.Claimant(id, LEASE));
    opened.add(log);
    return log;
  }

  private static EventLog.NewEvent event(String key, long record) {
    return new EventLog.NewEvent("odoo", key, "crm.lead", record, "write", "{}");
  }

  @Test
  void threeInstancesClaimingAtOnce_runEveryEventOnce_aRecordInOneClaimAtATime_inOrder()
      throws Exception {
    List<EventLog> logs = List.of(instance("a"), instance("b"), instance("c"));
    int records = 30;
    int perRecord = 20;
    List<EventLog.NewEvent> events = new ArrayList<>();
    for (int i = 0; i < perRecord; i++) {
      for (int r = 0; r < records; r++) {
        events.add(event("e" + i + "-" + r, r));
      }
    }
    List<Long> ids = new ArrayList<>();
    for (int from = 0; from < events.size(); from += 100) { // appended by all three
      ids.addAll(logs.get(from / 100 % 3).append(events.subList(from, from + 100), T0));
    }
    assertThat(ids).hasSize(records * perRecord);

    Map<Long, AtomicInteger> completed = new ConcurrentHashMap<>();
    Map<Long, AtomicInteger> handedOut = new ConcurrentHashMap<>();
    Map<Long, String> busy = new ConcurrentHashMap<>(); // record -> who works on it now
    Map<Long, List<Long>> settledInOrder = new ConcurrentHashMap<>();
    List<String> overlaps = new CopyOnWriteArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    ExecutorService workers = Executors.newFixedThreadPool(6);
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      EventLog log = logs.get(w % 3);
      String name = "worker " + w;
      Random random = new Random(w);
      running.add(
          workers.submit(
              () -> {
                int idle = 0;
                while (idle < 20) {
                  List<EventLog.Event> batch = log.claim(1 + random.nextInt(12), T0);
                  if (batch.isEmpty()) {
                    idle++;
                    Thread.sleep(5);
                    continue;
                  }
                  idle = 0;
                  List<Long> done = new ArrayList<>();
                  for (EventLog.Event e : batch) {
                    handedOut.computeIfAbsent(e.id(), k -> new AtomicInteger()).incrementAndGet();
                    String before = busy.putIfAbsent(e.recordId(), name);
                    if (before != null) {
                      overlaps.add("record " + e.recordId() + ": " + before + " and " + name);
                    }
                  }
                  for (EventLog.Event e : batch) {
                    if (e.attempts() == 0 && random.nextInt(10) == 0) {
                      failures.incrementAndGet();
                      busy.remove(e.recordId());
                      log.fail(e.id(), "boom", T0, 5); // due again at once
                    } else {
                      settledInOrder
                          .computeIfAbsent(e.recordId(), k -> new CopyOnWriteArrayList<>())
                          .add(e.id());
                      busy.remove(e.recordId());
                      done.add(e.id());
                    }
                  }
                  log.completeAll(done);
                  done.forEach(
                      id ->
                          completed
                              .computeIfAbsent(id, k -> new AtomicInteger())
                              .incrementAndGet());
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get(2, TimeUnit.MINUTES);
    }
    workers.shutdown();

    assertThat(overlaps).as("a record in two claims at once").isEmpty();
    assertThat(completed.keySet()).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(completed.values()).allSatisfy(n -> assertThat(n.get()).isOne());
    int runs = handedOut.values().stream().mapToInt(AtomicInteger::get).sum();
    assertThat(runs)
        .as("each event handed out once, a failed one once more")
        .isEqualTo(ids.size() + failures.get());
    assertThat(failures.get()).as("some failed and were retried").isPositive();
    for (List<Long> settled : settledInOrder.values()) {
      assertThat(settled).as("one record's events settled in id order").isSorted();
    }
    assertThat(logs.get(0).counts()).containsExactly(Map.entry("done", (long) ids.size()));
    for (EventLog log : logs) {
      assertThat(log.inFlight()).isZero();
    }
  }

  @Test
  void anAppend_doesNotWaitForTheLogsLock_thatAClaimOrSettleHolds() throws Exception {
    EventLog a = instance("a");
    ExecutorService pusher = Executors.newSingleThreadExecutor();
    try {
      synchronized (a) { // as a worker's claim or settle holds it for its round trips
        Future<List<Long>> stored =
            pusher.submit(() -> a.append(List.of(event("p1", 1), event("p2", 2)), T0));
        assertThat(stored.get(10, TimeUnit.SECONDS)).hasSize(2);
      }
    } finally {
      pusher.shutdownNow();
    }
    assertThat(a.claim(10, T0)).extracting(EventLog.Event::dedupeKey).containsExactly("p1", "p2");
  }

  @Test
  void aCount_doesNotWaitForTheLogsLock_thatAClaimOrSettleHolds() throws Exception {
    EventLog a = instance("a");
    a.append(List.of(event("p1", 1), event("p2", 2), event("p3", 3)), T0);
    a.complete(a.claim(1, T0).get(0).id());
    a.claim(1, T0); // one claimed: unfinished, counted pending
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      synchronized (a) { // as a worker's claim or settle holds it for its round trips
        Future<Map<String, Long>> counted = reader.submit(a::counts);
        assertThat(counted.get(10, TimeUnit.SECONDS))
            .containsExactly(Map.entry("done", 1L), Map.entry("pending", 2L));
      }
    } finally {
      reader.shutdownNow();
    }
  }

  @Test
  void aCountOnALostConnection_marksTheLogDown_andCountsAgainOnceItReopens() throws SQLException {
    EventLog a = instance("a");
    a.append(List.of(event("before", 1)), T0);
    assertThat(a.counts()).containsExactly(Map.entry("pending", 1L));
    dropConnections();
    assertThatThrownBy(a::counts)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("cannot count");
    assertThat(a.health().usable()).isFalse();
    a.reopen();
    a.append(List.of(event("after", 2)), T0);
    assertThat(a.counts()).containsExactly(Map.entry("pending", 2L));
  }

  @Test
  void anAppendOnALostConnection_marksTheLogDown_losesNothing_andGoesOnOnceItReopens()
      throws SQLException {
    EventLog a = instance("a");
    a.append(List.of(event("before", 1)), T0);
    dropConnections();
    assertThatThrownBy(() -> a.append(List.of(event("during", 2)), T0))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("cannot append");
    assertThat(a.health().usable()).isFalse();
    a.reopen();
    assertThat(a.append(List.of(event("during", 2)), T0)).hasSize(1);
    assertThat(a.claim(10, T0))
        .extracting(EventLog.Event::dedupeKey)
        .containsExactly("before", "during");
  }

  @Test
  void theAppendsConnection_lostWhileUnused_isOpenedAnewWhenTheLogReopens() throws SQLException {
    EventLog a = instance("a");
    a.append(List.of(event("before", 1)), T0);
    dropConnections();
    assertThatThrownBy(() -> a.claim(10, T0)).isInstanceOf(StoreUnavailableException.class);
    a.reopen();
    assertThat(a.append(List.of(event("after", 2)), T0))
        .as("the first append after the reopen is stored")
        .hasSize(1);
    assertThat(a.claim(10, T0))
        .extracting(EventLog.Event::dedupeKey)
        .containsExactly("before", "after");
  }

  @Test
  void aClaim_walksThePendingEvents_notTheEventsDoneBeforeThem() throws SQLException {
    EventLog a = instance("a");
    try (var s = a.connection().createStatement()) {
      s.execute(
          "INSERT INTO sidecar_event (db, dedupe_key, model, record_id, operation, payload,"
              + " status, attempts, next_attempt_at) SELECT 'odoo', 'outbox:' || g, 'crm.lead', g,"
              + " 'write', repeat('x', 300), CASE WHEN g <= 20000 THEN 'done' ELSE 'pending' END,"
              + " 0, now() - interval '1 hour' FROM generate_series(1, 20010) g");
      s.execute("ANALYZE sidecar_event");
    }
    long pages;
    try (var explain =
        a.connection()
            .prepareStatement("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + LeasedClaims.DUE)) {
      explain.setTimestamp(1, java.sql.Timestamp.from(Instant.now()));
      explain.setArray(2, a.connection().createArrayOf("bigint", new Long[0]));
      explain.setTimestamp(3, java.sql.Timestamp.from(Instant.now()));
      explain.setInt(4, 500);
      var top = TestDatabases.plan(explain);
      assertThat(top.get("Actual Rows").asLong()).as("the 10 pending events").isEqualTo(10);
      pages = TestDatabases.pagesRead(top);
    }
    assertThat(pages)
        .as("pages a claim reads to find 10 pending events after 20,000 done ones")
        .isLessThan(200);
  }

  /** Ends every connection to the test's database, as a restart of PostgreSQL does. */
  private void dropConnections() throws SQLException {
    try (Connection admin = DriverManager.getConnection(url, "postgres", "");
        var s = admin.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }
  }

  @Test
  void anExpiredLease_isTakenOver_andItsHoldersLateSettleIsIgnored() {
    EventLog a = instance("a");
    EventLog b = instance("b");
    long id = a.append(List.of(event("x", 1)), T0).get(0);
    assertThat(a.claim(10, T0)).extracting(EventLog.Event::id).containsExactly(id);
    assertThat(a.inFlight()).isOne();

    assertThat(b.claim(10, T0.plusSeconds(29))).as("a's lease holds").isEmpty();
    assertThat(b.claim(10, T0.plusSeconds(30))).extracting(EventLog.Event::id).containsExactly(id);
    assertThat(a.inFlight()).as("a's lease was taken over").isZero();
    assertThat(b.inFlight()).isOne();

    a.complete(id);
    a.fail(id, "late", T0, 1);
    a.postpone(id, "late", T0);
    assertThat(b.events(List.of(id)))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.status()).as("still b's").isEqualTo("running");
              assertThat(e.attempts()).isZero();
              assertThat(e.lastError()).isNull();
            });

    b.fail(id, "b's own failure", T0.plusSeconds(40), 3);
    assertThat(a.claim(10, T0.plusSeconds(39))).as("waiting for its retry").isEmpty();
    assertThat(a.claim(10, T0.plusSeconds(40)))
        .singleElement()
        .satisfies(e -> assertThat(e.attempts()).isOne());
    a.complete(id);
    assertThat(b.counts()).containsExactly(Map.entry("done", 1L));
  }

  @Test
  void theHeartbeat_keepsTheLease() {
    EventLog a = instance("a");
    EventLog b = instance("b");
    long id = a.append(List.of(event("x", 1)), T0).get(0);
    a.claim(10, T0);
    a.heartbeat(T0.plusSeconds(20)); // the lease now ends at T0 + 50 s
    assertThat(b.claim(10, T0.plusSeconds(45))).as("extended").isEmpty();
    a.heartbeat(T0.plusSeconds(40)); // T0 + 70 s
    assertThat(b.claim(10, T0.plusSeconds(69))).isEmpty();
    assertThat(b.claim(10, T0.plusSeconds(70)))
        .as("not extended any more: taken over")
        .extracting(EventLog.Event::id)
        .containsExactly(id);
  }

  @Test
  void aRecordsLaterEvent_waitsForTheOneAnotherInstanceHolds_orWaitsToRetry() {
    EventLog a = instance("a");
    EventLog b = instance("b");
    List<Long> ids =
        a.append(List.of(event("r1", 1), event("r2", 1), event("s1", 2), event("s2", 2)), T0);
    assertThat(a.claim(1, T0)).extracting(EventLog.Event::id).containsExactly(ids.get(0));
    assertThat(b.claim(10, T0))
        .as("r2 waits for r1, leased by a")
        .extracting(EventLog.Event::id)
        .containsExactly(ids.get(2));
    b.fail(ids.get(2), "boom", T0.plusSeconds(60), 5);
    assertThat(b.claim(10, T0.plusSeconds(1))).as("s2 waits for s1's retry").isEmpty();
    a.complete(ids.get(0));
    assertThat(b.claim(10, T0.plusSeconds(1)))
        .extracting(EventLog.Event::id)
        .containsExactly(ids.get(1));
  }

  @Test
  void anEventHeldByAPausedRule_letsTheRecordsLaterOnesPass_thenWaitsForThem() {
    EventLog a = instance("a");
    EventLog b = instance("b");
    List<Long> ids = a.append(List.of(event("h1", 1), event("h2", 1)), T0);
    a.claim(10, T0);
    a.postpone(ids.get(0), EventLog.HELD + "rule 'Slow' is paused", T0.plus(Duration.ofHours(1)));
    assertThat(b.claim(10, T0))
        .as("held: the later event goes on")
        .extracting(EventLog.Event::id)
        .containsExactly(ids.get(1));
    assertThat(a.releaseHeld("Slow", T0)).isOne();
    assertThat(a.claim(10, T0)).as("h2 is leased by b: h1 waits").isEmpty();
    b.complete(ids.get(1));
    assertThat(a.claim(10, T0)).extracting(EventLog.Event::id).containsExactly(ids.get(0));
  }

  @Test
  void actionsMarkedDone_areKnownToTheInstanceTakingTheEventOver() {
    EventLog a = instance("a");
    EventLog b = instance("b");
    try (JournaledCalls journalA = JournaledCalls.open(a.connectionSource());
        JournaledCalls journalB = JournaledCalls.open(b.connectionSource())) {
      long id = a.append(List.of(event("m", 1)), T0).get(0);
      a.claim(10, T0);
      a.markActionDone(List.of(id), "Rule#0", "written");
      journalA.journalCall("Rule#1", List.of(id), "create", "[7]");
      assertThat(b.claim(10, T0.plus(LEASE))).hasSize(1);
      assertThat(b.actionsDone(List.of(id)))
          .containsExactly(Map.entry(id, java.util.Set.of("Rule#0")));
      assertThat(journalB.journal("Rule#1", List.of(id)))
          .as("journaled by the instance that died, read by the one taking over")
          .containsExactly(new JournaledCalls.Call("create", "[7]"));
      b.complete(id);
      journalB.forget(List.of(id));
      assertThat(journalB.journal("Rule#1", List.of(id))).as("gone with its event done").isEmpty();
    }
  }
}
