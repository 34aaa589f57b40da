package io.odoosidecar.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
 * interrupted: each is stopped within the time-out and a second, and the engine's one worker runs
 * the next code action.
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
  void aLongBuiltInCall_isStoppedWithinTheTimeOutAndASecond_andTheWorkerIsBack(String bomb) {
    engine.run("action = 'ready'", odoo, 2, "crm.lead", oneLead()); // a context is ready
    long start = System.nanoTime();
    assertThatThrownBy(() -> engine.run(bomb, odoo, 2, "crm.lead", oneLead()))
        .isInstanceOf(PythonEngine.ScriptException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .containsAnyOf("time-out", "too large", "cannot fit", "MemoryError"));
    long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
    assertThat(elapsed).isLessThan(TIMEOUT.toMillis() + 1_000);
    assertThat(engine.run("action = 'next'", odoo, 2, "crm.lead", oneLead()).action())
        .isEqualTo("next");
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
}
