package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.Instances;
import io.odoosidecar.store.Leases;
import io.odoosidecar.store.TestDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One leader among the instances on one PostgreSQL: taken over when it dies, given up at once. */
class LeadershipTest {
  private static final Duration TTL = Duration.ofSeconds(30);

  private final TestClock clock = new TestClock(Instant.parse("2031-07-08T09:00:00Z"));
  private final List<Leadership> opened = new ArrayList<>();
  private String url;

  @BeforeEach
  void database() {
    url = TestDatabases.freshPostgres("leadership");
  }

  @AfterEach
  void drop() throws SQLException {
    opened.forEach(Leadership::close);
    try (Connection admin =
            DriverManager.getConnection(TestDatabases.POSTGRES + "postgres", "postgres", "");
        var s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS sidecar_test_leadership WITH (FORCE)");
    }
  }

  private Leadership instance(String id, EventLog.ConnectionSource source) {
    Leadership leadership =
        Leadership.shared(
            id, "http://" + id + ":8765", TTL, clock, Leases.open(source), Instances.open(source));
    opened.add(leadership);
    return leadership;
  }

  private Leadership instance(String id) {
    return instance(id, () -> DriverManager.getConnection(url, "postgres", ""));
  }

  @Test
  void theFirstToBeatLeads_theOtherFollows_andTheLeaderGivesEveryonesUrlsItsOwnFirst() {
    Leadership a = instance("a");
    Leadership b = instance("b");
    a.beat();
    b.beat();
    assertThat(a.leading()).isTrue();
    assertThat(b.leading()).isFalse();
    clock.advance(Duration.ofSeconds(10));
    a.beat();
    b.beat();
    assertThat(a.urls()).containsExactly("http://a:8765", "http://b:8765");
    assertThat(b.members())
        .extracting(Leadership.Member::id, Leadership.Member::leader)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", true),
            org.assertj.core.groups.Tuple.tuple("b", false));
  }

  @Test
  void aDeadLeader_isTakenOverWithinALease_andTheNewLeaderIsTold() {
    Leadership a = instance("a");
    Leadership b = instance("b");
    AtomicInteger told = new AtomicInteger();
    b.onChange(told::incrementAndGet);
    a.beat();
    b.beat();
    int before = told.get();
    // a dies: it beats no more
    clock.advance(TTL.minusSeconds(1));
    b.beat();
    assertThat(b.leading()).as("a's lease has a second left").isFalse();
    clock.advance(Duration.ofSeconds(1));
    b.beat();
    assertThat(b.leading()).isTrue();
    assertThat(told.get()).as("told it leads").isGreaterThan(before);
    assertThat(b.urls())
        .as("a, silent for a lease, is no longer alive")
        .containsExactly("http://b:8765");
  }

  @Test
  void aLeaderThatCannotRenew_stepsDownAtOnce_andOneWhoseBeatsStall_beforeItsLeaseEnds()
      throws Exception {
    AtomicBoolean away = new AtomicBoolean();
    Leadership a =
        instance(
            "a",
            () -> {
              if (away.get()) {
                throw new SQLException("connection refused", "08001");
              }
              return DriverManager.getConnection(url, "postgres", "");
            });
    AtomicInteger told = new AtomicInteger();
    a.onChange(told::incrementAndGet);
    a.beat();
    assertThat(a.leading()).isTrue();
    int before = told.get();

    away.set(true);
    try (Connection admin = DriverManager.getConnection(url, "postgres", "");
        var s = admin.createStatement()) {
      s.execute(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
              + " WHERE datname = current_database() AND pid <> pg_backend_pid()");
    }
    clock.advance(Duration.ofSeconds(10));
    assertThatThrownBy(a::beat).hasMessageContaining("connection refused");
    assertThat(a.leading()).as("stepped down at the failed renewal").isFalse();
    assertThat(told.get()).isGreaterThan(before);

    away.set(false);
    clock.advance(Duration.ofSeconds(10));
    a.beat();
    assertThat(a.leading()).as("its own lease: renewed").isTrue();
    clock.advance(TTL.multipliedBy(2).dividedBy(3).minusMillis(1));
    assertThat(a.leading()).isTrue();
    clock.advance(Duration.ofMillis(1));
    assertThat(a.leading()).as("no beat for two thirds of a lease").isFalse();
  }

  @Test
  void aLeaderThatStops_givesTheLeaseUp_anotherLeadsAtOnce() {
    Leadership a = instance("a");
    Leadership b = instance("b");
    a.beat();
    b.beat();
    a.close();
    opened.remove(a);
    b.beat();
    assertThat(b.leading()).isTrue();
    assertThat(b.urls()).containsExactly("http://b:8765");
  }

  @Test
  void theOneInstanceOfAnEmbeddedStore_alwaysLeads() {
    Leadership alone = Leadership.alone("solo", "http://127.0.0.1:8765", clock);
    alone.beat();
    clock.advance(Duration.ofDays(1));
    assertThat(alone.leading()).isTrue();
    assertThat(alone.urls()).containsExactly("http://127.0.0.1:8765");
    assertThat(alone.members()).extracting(Leadership.Member::leader).containsExactly(true);
  }
}
