package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.odoosidecar.http.TestClock;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.RuleStates;
import io.odoosidecar.store.RunHistory;
import io.odoosidecar.store.Runs;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The run history's writer: batches from one thread, never blocking the pipeline, drained on close.
 */
class RunHistoryWriterTest {
  private static final Instant T0 = Instant.parse("2030-01-10T08:00:00Z");

  /** A guard against a hang only: {@code ran} returning at all is what is asserted. */
  private static final Duration HANG = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(RunHistoryWriter.class);

  @BeforeEach
  void listen() {
    logged.start();
    logger.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    logger.detachAppender(logged);
  }

  private static RuleRun run(int i) {
    return Runs.run("R" + (i % 3), "done", T0.plusSeconds(i), 10, List.of((long) i), List.of(1L));
  }

  /** A sink that holds its first batch until released, recording every batch. */
  private static final class HeldSink implements RunHistoryWriter.Sink {
    final List<List<RuleRun>> batches = new CopyOnWriteArrayList<>();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void write(List<RuleRun> runs) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      batches.add(runs);
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void runsQueuedWhileABatchIsWritten_goInTheNextBatch_upToTheBatchSize() throws Exception {
    HeldSink sink = new HeldSink();
    RunHistoryWriter writer = RunHistoryWriter.start(sink, 100, 4, HANG, Clock.systemUTC());
    writer.ran(run(0));
    sink.awaitEntered();
    for (int i = 1; i <= 9; i++) {
      writer.ran(run(i));
    }
    assertThat(writer.queued()).isEqualTo(9);
    sink.release.countDown();
    writer.close();

    assertThat(sink.batches).extracting(List::size).containsExactly(1, 4, 4, 1);
    assertThat(sink.batches.stream().flatMap(List::stream).toList())
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(0, 9)
                .mapToObj(RunHistoryWriterTest::run)
                .toList());
    assertThat(writer.kept()).isEqualTo(10);
    assertThat(writer.notKept()).isZero();
  }

  @Test
  void aFullQueue_neverBlocksRan_theRunsAreCounted_andWarnedOfOnceAMinute() throws Exception {
    HeldSink sink = new HeldSink();
    TestClock clock = new TestClock(T0);
    RunHistoryWriter writer = RunHistoryWriter.start(sink, 2, 10, HANG, clock);
    writer.ran(run(0));
    sink.awaitEntered(); // the store holds the first run; two more fill the queue

    assertTimeoutPreemptively(
        HANG,
        () -> {
          for (int i = 1; i <= 7; i++) {
            writer.ran(run(i));
          }
        });
    assertThat(writer.queued()).isEqualTo(2);
    assertThat(writer.notKept()).isEqualTo(5);
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0).getFormattedMessage()).endsWith("runs not kept so far: 1");

    clock.advance(Duration.ofSeconds(59));
    writer.ran(run(8));
    assertThat(warnings()).hasSize(1);
    clock.advance(Duration.ofSeconds(1));
    writer.ran(run(9));
    assertThat(warnings()).hasSize(2);
    assertThat(warnings().get(1).getFormattedMessage()).endsWith("runs not kept so far: 7");

    sink.release.countDown();
    writer.close();
    assertThat(sink.batches.stream().flatMap(List::stream).toList())
        .containsExactly(run(0), run(1), run(2));
    assertThat(writer.kept()).isEqualTo(3);
    assertThat(writer.notKept()).isEqualTo(7);
  }

  @Test
  void aFailingStore_losesThatBatchOnly_andAfterCloseRunsAreNotKept() throws Exception {
    List<List<RuleRun>> written = new CopyOnWriteArrayList<>();
    CountDownLatch firstTried = new CountDownLatch(1);
    RunHistoryWriter writer =
        RunHistoryWriter.start(
            runs -> {
              if (firstTried.getCount() > 0) {
                firstTried.countDown();
                throw new io.odoosidecar.store.StoreUnavailableException("store away");
              }
              written.add(runs);
            },
            100,
            100,
            HANG,
            Clock.systemUTC());
    writer.ran(run(0));
    assertThat(firstTried.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    writer.ran(run(1));
    writer.close();
    writer.ran(run(2));

    assertThat(written.stream().flatMap(List::stream).toList()).containsExactly(run(1));
    assertThat(writer.kept()).isEqualTo(1);
    assertThat(writer.notKept()).isEqualTo(2);
    assertThat(warnings())
        .anySatisfy(w -> assertThat(w.getFormattedMessage()).contains("store away"));
  }

  @Test
  void intoTheStores_runsAreKept_andFiringsCounted_waitingRunsNotCounted() {
    try (EventLog log = EventLog.embedded(dir);
        RunHistory history =
            RunHistory.open(log.connectionSource(), Clock.systemUTC(), RunHistory.Limits.DEFAULT);
        RuleStates states = RuleStates.open(log.connectionSource(), Clock.systemUTC())) {
      RunHistoryWriter writer = RunHistoryWriter.start(history, states, Clock.systemUTC());
      writer.ran(Runs.run("Tag", "done", T0, 10, List.of(1L), List.of(7L)));
      writer.ran(Runs.run("Tag", "failed", T0.plusSeconds(1), 10, List.of(2L), List.of(8L)));
      writer.ran(Runs.run("Tag", "waiting", T0.plusSeconds(2), 10, List.of(3L), List.of(9L)));
      writer.ran(Runs.run("Mail", "done", T0.plusSeconds(3), 10, List.of(4L), List.of(9L)));
      writer.close();

      assertThat(history.recent(null, 0, 10))
          .extracting(r -> r.run().rule() + ":" + r.run().result())
          .containsExactly("Mail:done", "Tag:waiting", "Tag:failed", "Tag:done");
      RuleStates.State tag = states.state("Tag").orElseThrow();
      assertThat(tag.fired()).isEqualTo(2);
      assertThat(tag.lastRun()).isEqualTo(T0.plusSeconds(1));
      assertThat(tag.lastError()).isEqualTo("failed in Tag");
      assertThat(states.state("Mail").orElseThrow().fired()).isEqualTo(1);
      assertThat(writer.kept()).isEqualTo(4);
    }
  }

  private List<ILoggingEvent> warnings() {
    return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
  }
}
