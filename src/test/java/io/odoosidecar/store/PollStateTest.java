package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.SidecarException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The poller's state contract, on embedded H2 and on PostgreSQL. */
class PollStateTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void cursors_perDatabaseAndModel_movedAndKeptAcrossARestart(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "poll_cursors");
    try (PollState state = PollState.open(source)) {
      assertThat(state.cursor("odoo", "crm.lead")).isEmpty();
      state.save(
          "odoo", "crm.lead", new PollState.Cursor("2026-11-24 09:00:00", 7), Map.of(), List.of());
      state.save(
          "odoo", "crm.lead", new PollState.Cursor("2026-11-24 09:05:00", 3), Map.of(), List.of());
      state.save(
          "odoo",
          "res.partner",
          new PollState.Cursor("2026-11-24 08:00:00", 1),
          Map.of(),
          List.of());
      state.save("odoo", "crm.lead", null, Map.of(1L, "{}"), List.of()); // the cursor stays
    }
    try (PollState again = PollState.open(source)) {
      assertThat(again.cursor("odoo", "crm.lead"))
          .contains(new PollState.Cursor("2026-11-24 09:05:00", 3));
      assertThat(again.cursor("odoo", "res.partner"))
          .contains(new PollState.Cursor("2026-11-24 08:00:00", 1));
      assertThat(again.cursor("other", "crm.lead")).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void snapshots_replaced_forgotten_andReadAllOrByIds(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "poll_snapshots");
    try (PollState state = PollState.open(source)) {
      Map<Long, String> many = new LinkedHashMap<>();
      LongStream.rangeClosed(1, 1200).forEach(id -> many.put(id, "{\"id\": " + id + "}"));
      state.save("odoo", "crm.lead", null, many, List.of());
      state.save("odoo", "res.partner", null, Map.of(5L, "{\"partner\": 5}"), List.of());
      state.save(
          "odoo", "crm.lead", null, Map.of(5L, "{\"id\": 5, \"new\": true}"), List.of(6L, 7L));

      Map<Long, String> all = state.snapshots("odoo", "crm.lead", null);
      assertThat(all).hasSize(1198).doesNotContainKeys(6L, 7L);
      assertThat(new java.util.ArrayList<>(all.keySet())).isSorted();
      assertThat(all).containsEntry(5L, "{\"id\": 5, \"new\": true}");

      List<Long> wanted = LongStream.rangeClosed(1, 1100).boxed().toList(); // more than one query
      Map<Long, String> some = state.snapshots("odoo", "crm.lead", wanted);
      assertThat(some).hasSize(1098).containsEntry(1100L, "{\"id\": 1100}");
      assertThat(state.snapshots("odoo", "res.partner", List.of(5L, 6L))).containsOnlyKeys(5L);
      assertThat(state.snapshots("other", "crm.lead", null)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"h2", "postgresql"})
  void save_keepsAllOrNothing(String backend) {
    EventLog.ConnectionSource source = Runs.source(backend, dir, "poll_atomic");
    try (PollState state = PollState.open(source)) {
      state.save(
          "odoo",
          "crm.lead",
          new PollState.Cursor("2026-11-24 09:00:00", 7),
          Map.of(1L, "{}", 2L, "{}"),
          List.of());
      Map<Long, String> broken = new HashMap<>();
      broken.put(3L, null); // refused: a snapshot has values
      assertThatThrownBy(
              () ->
                  state.save(
                      "odoo",
                      "crm.lead",
                      new PollState.Cursor("2026-11-24 10:00:00", 9),
                      broken,
                      List.of(1L)))
          .isInstanceOf(SidecarException.class);
      assertThat(state.cursor("odoo", "crm.lead"))
          .contains(new PollState.Cursor("2026-11-24 09:00:00", 7));
      assertThat(state.snapshots("odoo", "crm.lead", null)).containsOnlyKeys(1L, 2L);
    }
  }
}
