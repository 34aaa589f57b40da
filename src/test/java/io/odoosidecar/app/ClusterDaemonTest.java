package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.store.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two whole sidecars on one PostgreSQL event log, both taking pushes: every event's action runs
 * once, whichever instance took the push and whichever claimed it; one of them leads.
 */
class ClusterDaemonTest {
  private static final Path FIXTURES =
      Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RULES =
      "rules:\n"
          + "  - name: VIP\n"
          + "    model: crm.lead\n"
          + "    trigger: on_create_or_write\n"
          + "    trigger_field_ids: [expected_revenue]\n"
          + "    filter_domain: \"[('expected_revenue', '>', 10000)]\"\n"
          + "    actions:\n"
          + "      - state: object_write\n"
          + "        update_path: priority\n"
          + "        value: \"3\"\n";

  @TempDir Path dir;
  private final List<TestSidecar> running = new ArrayList<>();

  @AfterEach
  void stop() throws SQLException {
    running.forEach(TestSidecar::close);
    try (Connection admin =
            DriverManager.getConnection(TestDatabases.POSTGRES + "postgres", "postgres", "");
        var s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS sidecar_test_cluster_daemon WITH (FORCE)");
    }
  }

  private TestSidecar sidecar(String id, String url, MemoryOdoo odoo) throws Exception {
    TestSidecar sidecar =
        TestSidecar.start(
            dir.resolve(id),
            odoo,
            RULES,
            "event-log:\n  url: "
                + url
                + "\n  user: postgres\ninstance:\n  id: "
                + id
                + "\n  lease: 6s\n");
    running.add(sidecar);
    return sidecar;
  }

  @Test
  void pushesToBothInstances_runEachEventsActionOnce() throws Exception {
    String url = TestDatabases.freshPostgres("cluster_daemon");
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(FIXTURES);
    List<Long> leads = new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, 12);
    for (long id : leads) {
      odoo.records("crm.lead").get(id).put("expected_revenue", 20000.0);
    }
    Map<Long, AtomicInteger> writes = new ConcurrentHashMap<>();
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.AFTER
              && model.equals("crm.lead")
              && method.equals("write")) {
            for (Object id : (List<?>) args.get(0)) {
              writes
                  .computeIfAbsent(((Number) id).longValue(), k -> new AtomicInteger())
                  .incrementAndGet();
            }
          }
        });
    TestSidecar a = sidecar("a", url, odoo);
    TestSidecar b = sidecar("b", url, odoo);
    for (TestSidecar s : List.of(a, b)) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> s.get("/health/ready").statusCode() == 200);
    }

    int rounds = 3;
    for (int round = 0; round < rounds; round++) {
      for (int i = 0; i < leads.size(); i++) {
        TestSidecar to = (i + round) % 2 == 0 ? a : b;
        to.pushWrite(
            100L * round + i + 1, "crm.lead", List.of(leads.get(i)), "expected_revenue", 500.0);
      }
    }
    // the addon delivering the same row again, to the other instance: stored once
    a.pushWrite(999, "crm.lead", List.of(leads.get(0)), "expected_revenue", 500.0);
    b.pushWrite(999, "crm.lead", List.of(leads.get(0)), "expected_revenue", 500.0);
    int events = rounds * leads.size() + 1;

    await().atMost(Duration.ofSeconds(60)).until(() -> done(a) == events && unfinished(a) == 0);

    // an instance that died holding claims: its leases ended, the others take them over
    List<Long> orphaned = leads.subList(1, 5);
    leasedByTheDead(url, orphaned);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> done(b) == events + orphaned.size() && unfinished(b) == 0);

    Map<Long, Integer> expected = new java.util.HashMap<>();
    leads.forEach(id -> expected.put(id, rounds));
    expected.merge(leads.get(0), 1, Integer::sum);
    orphaned.forEach(id -> expected.merge(id, 1, Integer::sum));
    Map<Long, Integer> found = new java.util.HashMap<>();
    writes.forEach((id, n) -> found.put(id, n.get()));
    assertThat(found).as("each event's write once").isEqualTo(expected);

    JsonNode instances = health(b).path("instance").path("instances");
    assertThat(instances.findValuesAsText("id")).containsExactlyInAnyOrder("a", "b");
    assertThat(instances.findValues("leader"))
        .extracting(JsonNode::booleanValue)
        .containsExactlyInAnyOrder(true, false);
    assertThat(health(a).path("instance").path("leader").booleanValue())
        .as("a started first and leads")
        .isTrue();
    assertThat(health(b).path("instance").path("leader").booleanValue()).isFalse();
  }

  /** Events claimed by an instance that is gone, its leases ended a minute ago. */
  private static void leasedByTheDead(String url, List<Long> records) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        var insert =
            c.prepareStatement(
                "INSERT INTO sidecar_event (db, dedupe_key, model, record_id, operation, payload,"
                    + " status, attempts, next_attempt_at, lease_owner, lease_claim,"
                    + " lease_expires_ms) VALUES ('memory', ?, 'crm.lead', ?, 'write', ?,"
                    + " 'running', 0, CURRENT_TIMESTAMP, 'gone', 1, ?)")) {
      for (long id : records) {
        insert.setString(1, "outbox:" + (5000 + id));
        insert.setLong(2, id);
        insert.setString(
            3,
            new io.odoosidecar.pipeline.ChangePayload(
                    "write",
                    List.of("expected_revenue"),
                    Map.of("expected_revenue", 500.0),
                    Map.of(),
                    2,
                    null,
                    "push",
                    id,
                    List.of(),
                    0,
                    Map.of(),
                    null)
                .toJson());
        insert.setLong(4, System.currentTimeMillis() - 60_000);
        insert.executeUpdate();
      }
    }
  }

  private static JsonNode health(TestSidecar sidecar) throws Exception {
    return JSON.readTree(sidecar.get("/health").body());
  }

  private static long done(TestSidecar sidecar) throws Exception {
    return health(sidecar).path("events").path("by_status").path("done").asLong();
  }

  private static long unfinished(TestSidecar sidecar) throws Exception {
    return health(sidecar).path("events").path("by_status").path("pending").asLong();
  }
}
