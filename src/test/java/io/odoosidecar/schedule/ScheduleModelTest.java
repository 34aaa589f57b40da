package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.server.RpcEndpoint;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code sidecar.schedule}: rows of the supplier's state, filtered by kind, read back whole. */
class ScheduleModelTest {
  private final List<ScheduleStatus> statuses =
      List.of(
          new ScheduleStatus(
              "schedule", "a", null, Instant.parse("2030-01-01T00:00:00Z"), null, null, 0, false),
          new ScheduleStatus("timed", "b", "db", null, null, null, 4, false));
  private final ScheduleModel model = new ScheduleModel(() -> statuses);

  @Test
  void searchRead_rowsReadBackAsTheyWere_andByKind() throws Exception {
    List<?> all = (List<?>) model.call("search_read", List.of(), Map.of());
    assertThat(all.stream().map(r -> ScheduleModel.status((Map<?, ?>) r)).toList())
        .isEqualTo(statuses);
    List<?> timed = (List<?>) model.call("search_read", List.of(Map.of("kind", "timed")), Map.of());
    assertThat(timed).hasSize(1);
    assertThat(((Map<?, ?>) timed.get(0)).get("pending")).isEqualTo(4L);
  }

  @Test
  void otherMethods_refused() {
    assertThatThrownBy(() -> model.call("unlink", List.of(), Map.of()))
        .isInstanceOf(RpcEndpoint.RpcFault.class)
        .hasMessageContaining("has no method unlink");
    assertThatThrownBy(() -> model.call("search_read", List.of("x"), Map.of()))
        .isInstanceOf(RpcEndpoint.RpcFault.class);
  }
}
