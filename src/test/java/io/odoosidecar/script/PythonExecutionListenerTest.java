package io.odoosidecar.script;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.pipeline.MemoryOdoo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine tells its listener of every execution: its kind, its time, its outcome. */
class PythonExecutionListenerTest {
  record Heard(String kind, long nanos, String outcome) {}

  static final List<Heard> HEARD = new CopyOnWriteArrayList<>();
  static PythonEngine engine;
  final MemoryOdoo odoo = MemoryOdoo.empty();

  @BeforeAll
  static void start() {
    engine =
        new PythonEngine(1, 50_000, Duration.ofSeconds(20))
            .withExecutionListener(
                (kind, nanos, outcome) -> HEARD.add(new Heard(kind, nanos, outcome)));
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @Test
  void eachCodeActionAndExpressionIsHeardWithItsOutcome() {
    odoo.define("res.partner", Map.of("name", "char"));
    odoo.put("res.partner", 7, Map.of("name", "Azure"));
    List<Long> ids = List.of(7L);
    HEARD.clear();

    engine.run("action = len(records)", odoo, 2, "res.partner", ids);
    assertThatThrownBy(() -> engine.run("raise UserError('no')", odoo, 2, "res.partner", ids))
        .isInstanceOf(PythonEngine.ScriptException.class);
    assertThatThrownBy(() -> engine.run("while True:\n    pass", odoo, 2, "res.partner", ids))
        .hasMessageContaining("statement limit reached");
    Map<Long, Object> values = engine.evaluate("record.name + '!'", odoo, 2, "res.partner", ids);

    assertThat(values).containsEntry(7L, "Azure!");
    assertThat(HEARD)
        .extracting(Heard::kind, Heard::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("code", "done"),
            org.assertj.core.groups.Tuple.tuple("code", "failed"),
            org.assertj.core.groups.Tuple.tuple("code", "limit"),
            org.assertj.core.groups.Tuple.tuple("expression", "done"));
    assertThat(HEARD).allMatch(h -> h.nanos() > 0);
  }

  @Test
  void aCodeActionStoppedByTheTimeOutIsHeardAsOne() {
    List<Heard> heard = new CopyOnWriteArrayList<>();
    try (PythonEngine quick =
        new PythonEngine(1, Long.MAX_VALUE / 2, Duration.ofMillis(300))
            .withExecutionListener(
                (kind, nanos, outcome) -> heard.add(new Heard(kind, nanos, outcome)))) {
      assertThatThrownBy(
              () -> quick.run("while True:\n    x = 1", odoo, 2, "res.partner", List.of()))
          .hasMessageContaining("time-out");
    }

    assertThat(heard).extracting(Heard::outcome).containsExactly("timeout");
  }

  @Test
  void aListenerThatFailsDoesNotFailTheExecution() {
    try (PythonEngine engine =
        new PythonEngine(1, 50_000, Duration.ofSeconds(20))
            .withExecutionListener(
                (kind, nanos, outcome) -> {
                  throw new IllegalStateException("the metrics are closed");
                })) {
      assertThat(engine.run("action = 6 * 7", odoo, 2, "res.partner", List.of()).action())
          .isEqualTo(42);
    }
  }
}
