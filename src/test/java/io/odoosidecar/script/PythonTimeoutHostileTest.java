package io.odoosidecar.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CPU bombs inside single built-in calls, which never reach a point where Python can be
 * interrupted: each is stopped by the time-out (or refused by GraalPy), its thread ends, and the
 * engine's one worker runs the next code action.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PythonTimeoutHostileTest {
  static final Duration TIMEOUT = Duration.ofMillis(400);
  static PythonEngine engine;
  static MemoryOdoo odoo;

  @BeforeAll
  static void start() {
    engine = new PythonEngine(1, Long.MAX_VALUE / 2, TIMEOUT);
    engine.warmUp();
    odoo =
        MemoryOdoo.fromFixtures(
            Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures/odoo18"));
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  static List<Long> oneLead() {
    return List.of(odoo.records("crm.lead").keySet().iterator().next());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "max(range(10**15))",
        "x = 9**9**9",
        "x = sum(range(10**12))",
        "x = sorted(range(10**9))",
        "x = len('a' * 10**10)",
        "x = [0] * 10**12",
        "x = min(range(10**15), key=abs)",
      })
  void aLongBuiltInCall_isStopped_itsThreadEnds_andTheWorkerIsBack(String bomb) throws Exception {
    // a context is ready, and its thread (the engine's one worker, which runs the bomb next) known
    SpinningOdoo noting = new SpinningOdoo(odoo, Duration.ZERO);
    engine.run("action = len(env['crm.lead'].search([]))", noting, 2, "crm.lead", oneLead());
    Thread runner = noting.thread.get();
    assertThat(runner.getName()).matches("python-\\d+");
    PythonEngine.ScriptException failure =
        catchThrowableOfType(
            PythonEngine.ScriptException.class,
            () -> engine.run(bomb, odoo, 2, "crm.lead", oneLead()));
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage())
        .containsAnyOf("time-out", "too large", "cannot fit", "MemoryError");
    // stopped, not left running (each bomb runs for minutes to hours): one the time-out stopped has
    // its thread ended with its context; one GraalPy refused leaves its thread idle. How soon is a
    // figure of `scripts/bench python stop`, not of this test: one huge allocation holds up every
    // thread of the JVM while its memory is committed (seconds on a fresh heap).
    if (failure.timedOut()) {
      runner.join(20_000);
      assertThat(runner.isAlive())
          .as("the stopped bomb's thread still runs: %s", top(runner))
          .isFalse();
    } else {
      assertThat(idleWithin(runner, Duration.ofSeconds(20)))
          .as("the refused bomb's thread still runs: %s", top(runner))
          .isTrue();
    }
    assertThat(engine.run("action = 'next'", odoo, 2, "crm.lead", oneLead()).action())
        .isEqualTo("next");
  }

  /** Whether {@code thread} waits for work (or has ended) within {@code limit}. */
  static boolean idleWithin(Thread thread, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (thread.getState() == Thread.State.RUNNABLE && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return thread.getState() != Thread.State.RUNNABLE;
  }

  /** The top of a thread's stack, for a failure's message. */
  static List<StackTraceElement> top(Thread thread) {
    List<StackTraceElement> stack = List.of(thread.getStackTrace());
    return stack.subList(0, Math.min(8, stack.size()));
  }

  @Test
  void run_bombInABuiltIn_failsNamingTheTimeOut() {
    assertThatThrownBy(() -> engine.run("max(range(10**15))", odoo, 2, "crm.lead", oneLead()))
        .isInstanceOf(PythonEngine.ScriptException.class)
        .hasMessageContaining("time-out");
  }

  @Test
  void close_whileABuiltInSpins_returnsAtOnceAndFailsTheCaller() throws Exception {
    PythonEngine own = new PythonEngine(1, Long.MAX_VALUE / 2, Duration.ofMinutes(5));
    own.warmUp();
    java.util.concurrent.CompletableFuture<Throwable> caller =
        new java.util.concurrent.CompletableFuture<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                own.run("x = 9**9**9", odoo, 2, "crm.lead", oneLead());
                caller.complete(null);
              } catch (RuntimeException e) {
                caller.complete(e);
              }
            });
    worker.start();
    Thread.sleep(300); // the bomb is in its power by now
    long start = System.nanoTime();
    own.close();
    Throwable failure = caller.get(3, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start).toMillis()).isLessThan(2_500);
    assertThat(failure).isInstanceOf(PythonEngine.ScriptException.class);
  }

  /**
   * An ORM call that is still in the sidecar's own code (here spinning, as a socket read does) when
   * the execution is stopped: the thread is not stopped there, the call ends as it would have, and
   * the caller has its failure at once.
   */
  @Test
  void stop_whileAnOrmCallIsInTheSidecarsCode_leavesTheCallToEnd() throws Exception {
    PythonEngine own = new PythonEngine(1, Long.MAX_VALUE / 2, Duration.ofSeconds(20));
    own.warmUp();
    SpinningOdoo spinning = new SpinningOdoo(odoo, Duration.ofMillis(1_800));
    java.util.concurrent.CompletableFuture<Throwable> caller =
        new java.util.concurrent.CompletableFuture<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                own.run(
                    "action = len(env['crm.lead'].search([]))", spinning, 2, "crm.lead", oneLead());
                caller.complete(null);
              } catch (RuntimeException e) {
                caller.complete(e);
              }
            });
    worker.start();
    try {
      assertThat(spinning.entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      worker.interrupt(); // the sidecar stops: the code is stopped rather than waited for
      Throwable failure = caller.get(3, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(failure).isInstanceOf(PythonEngine.ScriptException.class);
      assertThat(((PythonEngine.ScriptException) failure).timedOut()).isTrue();
      assertThat(spinning.left.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(spinning.failure.get()).isNull();
      assertThat(own.run("action = 'next'", odoo, 2, "crm.lead", oneLead()).action())
          .isEqualTo("next");
    } finally {
      own.close();
    }
  }

  /** The in-memory Odoo, its search spinning for a while first (RUNNABLE, as in a read). */
  static final class SpinningOdoo implements io.odoosidecar.odoo.OdooClient {
    final MemoryOdoo delegate;
    final Duration spin;
    final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.CountDownLatch left = new java.util.concurrent.CountDownLatch(1);
    final java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();

    /** The thread the search came on: the context's own. */
    final java.util.concurrent.atomic.AtomicReference<Thread> thread =
        new java.util.concurrent.atomic.AtomicReference<>();

    SpinningOdoo(MemoryOdoo delegate, Duration spin) {
      this.delegate = delegate;
      this.spin = spin;
    }

    @Override
    public Object executeKw(
        String model, String method, List<?> args, java.util.Map<String, ?> kwargs) {
      if (!"search".equals(method)) {
        return delegate.executeKw(model, method, args, kwargs);
      }
      thread.set(Thread.currentThread());
      entered.countDown();
      try {
        long end = System.nanoTime() + spin.toNanos();
        while (System.nanoTime() < end) {
          Thread.onSpinWait();
        }
        return delegate.executeKw(model, method, args, kwargs);
      } catch (Throwable e) { // NOPMD - a ThreadDeath landing here is what is looked for
        failure.set(e);
        throw e;
      } finally {
        left.countDown();
      }
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public String database() {
      return delegate.database();
    }

    @Override
    public io.odoosidecar.odoo.TransportKind transport() {
      return delegate.transport();
    }

    @Override
    public io.odoosidecar.odoo.ServerVersion version() {
      return delegate.version();
    }

    @Override
    public long authenticate() {
      return delegate.authenticate();
    }

    @Override
    public io.odoosidecar.odoo.OdooClient withContext(java.util.Map<String, ?> context) {
      return this;
    }

    @Override
    public java.util.Map<String, io.odoosidecar.odoo.FieldInfo> fieldsGet(String model) {
      return delegate.fieldsGet(model);
    }

    @Override
    public void invalidateFields(String model) {
      delegate.invalidateFields(model);
    }

    @Override
    public void close() {
      // the delegate is shared by the class's tests
    }
  }
}
