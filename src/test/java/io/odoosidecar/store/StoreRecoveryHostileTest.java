package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.odoosidecar.odoo.RetryPolicy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log's connection failing as a remote database does (gone, then back) or as the JVM does
 * (out of memory inside the store): the log goes down and comes back, or the exit hook is called.
 */
class StoreRecoveryHostileTest {
  @TempDir Path dir;

  /** What the connections do: work, lose the database, or run out of memory. */
  enum Mode {
    WORKING,
    GONE,
    OUT_OF_MEMORY
  }

  final AtomicReference<Mode> mode = new AtomicReference<>(Mode.WORKING);
  final AtomicInteger opened = new AtomicInteger();
  final List<Integer> exits = new CopyOnWriteArrayList<>();
  final List<Duration> waits = new CopyOnWriteArrayList<>();
  EventLog log;

  /** A connection to H2 that behaves as {@link #mode} says, on every statement. */
  Connection connection() throws SQLException {
    if (mode.get() == Mode.GONE) {
      throw new SQLTransientConnectionException("connection refused", "08001");
    }
    opened.incrementAndGet();
    Connection real =
        DriverManager.getConnection(
            "jdbc:h2:file:" + dir.resolve("events") + ";DB_CLOSE_ON_EXIT=FALSE");
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              boolean statement = method.getName().startsWith("prepare");
              if (statement && mode.get() == Mode.GONE) {
                throw new SQLException(
                    "terminating connection due to administrator command", "57P01");
              }
              if (statement && mode.get() == Mode.OUT_OF_MEMORY) {
                throw new OutOfMemoryError("Java heap space");
              }
              if (method.getName().equals("isValid") && mode.get() != Mode.WORKING) {
                return false;
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  StoreRecovery recovery(int attempts) throws SQLException {
    log = EventLog.open(this::connection, null);
    return new StoreRecovery(
            log,
            new RetryPolicy(attempts, Duration.ofMillis(100), Duration.ofSeconds(2)),
            wait -> {
              waits.add(wait);
              Thread.sleep(2); // recorded, and kept short; no attempt budget burnt in a spin
            },
            exits::add)
        .start();
  }

  @AfterEach
  void close() {
    mode.set(Mode.WORKING);
    if (log != null) {
      log.close();
    }
  }

  static List<EventLog.NewEvent> event(String key) {
    return List.of(new EventLog.NewEvent("odoo", key, "crm.lead", 7, "write", "{}"));
  }

  @Test
  void databaseGone_appendRefusedAsUnavailable_thenBackOnReopen() throws Exception {
    StoreRecovery recovery = recovery(1000);
    log.append(event("a"), Instant.now());
    mode.set(Mode.GONE);

    assertThatThrownBy(() -> log.append(event("b"), Instant.now()))
        .isInstanceOf(StoreUnavailableException.class);
    assertThat(log.health().state()).isEqualTo(EventLog.State.DOWN);
    assertThat(log.claim(10, Instant.now())).as("nothing handed out while down").isEmpty();
    await().atMost(Duration.ofSeconds(5)).until(() -> waits.size() >= 3);

    mode.set(Mode.WORKING);
    await().atMost(Duration.ofSeconds(5)).until(() -> log.health().usable());
    assertThat(log.append(event("c"), Instant.now())).hasSize(1);
    assertThat(log.claim(10, Instant.now()))
        .extracting(EventLog.Event::dedupeKey)
        .containsExactly("a");
    assertThat(exits).isEmpty();
    assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(Duration.ofSeconds(2)));
    recovery.stop();
  }

  @Test
  void outOfMemoryInsideTheStore_exitsWithoutReopening() throws Exception {
    recovery(1000);
    mode.set(Mode.OUT_OF_MEMORY);

    assertThatThrownBy(() -> log.append(event("a"), Instant.now()))
        .isInstanceOf(OutOfMemoryError.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> !exits.isEmpty());
    assertThat(exits).containsExactly(StoreRecovery.EXIT_STATUS);
    assertThat(log.health().state()).isEqualTo(EventLog.State.FAILED);
    assertThat(opened).as("no reopen: the heap is not to be trusted").hasValue(1);
  }
}
