package io.odoosidecar.server.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.server.RpcModels;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.RunHistory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar's models: domains, paging, orders, fields and faults, over real stores. */
class SidecarModelsTest {
  @TempDir Path dir;
  private ModelsFixture fixture;

  @BeforeEach
  void fill() {
    fixture = new ModelsFixture(dir);
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  private static List<Object> args(Object... values) {
    return new ArrayList<>(Arrays.asList(values));
  }

  private static List<Object> leaf(String field, String operator, Object value) {
    return List.of(field, operator, value);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(Object answer) {
    return (List<Map<String, Object>>) answer;
  }

  private static List<Long> ids(Object answer) {
    return rows(answer).stream().map(r -> ((Number) r.get("id")).longValue()).toList();
  }

  private List<Long> runIds(Predicate<RunHistory.Run> filter) {
    return fixture.allRuns().stream().filter(filter).map(RunHistory.Run::id).toList();
  }

  private static RpcFault fault(RpcModels.Model model, String method, List<Object> args) {
    return fault(model, method, args, Map.of());
  }

  private static RpcFault fault(
      RpcModels.Model model, String method, List<Object> args, Map<String, Object> kwargs) {
    try {
      model.call(method, args, kwargs);
    } catch (RpcFault f) {
      assertThat(f.status()).isEqualTo(400);
      return f;
    }
    throw new AssertionError(method + " " + args + " was not refused");
  }

  // ------------------------------------------------------------------ sidecar.run

  @Test
  void runs_domainOfAndLeaves_newestFirst() throws RpcFault {
    Object answer =
        fixture
            .runModel()
            .call(
                "search_read",
                args(List.of(leaf("result", "=", "failed"), leaf("rule", "ilike", "LEAD"))),
                Map.of());
    List<Long> expected =
        runIds(
            r ->
                r.run().result().equals("failed")
                    && r.run().rule().toLowerCase(Locale.ROOT).contains("lead"));
    assertThat(expected).hasSizeGreaterThan(1);
    assertThat(ids(answer)).containsExactlyElementsOf(expected);
  }

  @Test
  void runs_domainWithOr_onIntegersAndFloats() throws RpcFault {
    List<Object> domain = List.of("|", leaf("records", ">", 1), leaf("duration_ms", ">=", 5.0));
    List<Long> expected =
        runIds(r -> r.run().records().size() > 1 || r.run().durationMicros() >= 5000);
    assertThat(expected).hasSizeBetween(2, fixture.allRuns().size() - 1);
    assertThat(ids(fixture.runModel().call("search_read", args(domain), Map.of())))
        .containsExactlyElementsOf(expected);
    assertThat(fixture.runModel().call("search_count", args(domain), Map.of()))
        .isEqualTo((long) expected.size());
    assertThat(fixture.runModel().call("search", args(domain), Map.of())).isEqualTo(expected);
  }

  @Test
  void runs_offsetLimitAndOrder_pageAcrossTheStore() throws RpcFault {
    List<Long> all = runIds(r -> true);
    // the model reads 5 runs at a time: offsets and limits that cross its pages
    assertThat(fixture.runModel().call("search", args(List.of(), 3, 7), Map.of()))
        .isEqualTo(all.subList(3, 10));
    List<Long> oldest = new ArrayList<>(all);
    java.util.Collections.reverse(oldest);
    assertThat(
            fixture
                .runModel()
                .call("search", args(), Map.of("offset", 4, "limit", 6, "order", "id asc")))
        .isEqualTo(oldest.subList(4, 10));

    List<Long> bySlowest =
        fixture.allRuns().stream()
            .sorted(
                Comparator.comparingLong((RunHistory.Run r) -> r.run().durationMicros())
                    .reversed()
                    .thenComparingLong(RunHistory.Run::id))
            .map(RunHistory.Run::id)
            .toList();
    assertThat(
            fixture
                .runModel()
                .call(
                    "search_read",
                    args(List.of(), List.of("duration_ms"), 2, 5, "duration_ms desc"),
                    Map.of()))
        .satisfies(a -> assertThat(ids(a)).isEqualTo(bySlowest.subList(2, 7)));
    assertThat(
            ids(
                fixture
                    .runModel()
                    .call(
                        "search_read",
                        args(List.of(), false, 0, false, "rule, id desc"),
                        Map.of())))
        .isEqualTo(
            fixture.allRuns().stream()
                .sorted(Comparator.comparing((RunHistory.Run r) -> r.run().rule()))
                .map(RunHistory.Run::id)
                .toList());
    assertThat(fixture.runModel().call("search", args(List.of(), 1000), Map.of()))
        .isEqualTo(List.of());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                fixture
                    .runModel()
                    .call(
                        "search_read",
                        args(List.of(), false, 0, SidecarModel.MAX_SORTED + 1, "rule"),
                        Map.of()))
        .as("an order on another field keeps its rows in memory: bounded, with the reason")
        .isInstanceOf(io.odoosidecar.server.RpcEndpoint.RpcFault.class)
        .hasMessageContaining("at most " + SidecarModel.MAX_SORTED);
  }

  @Test
  void runs_fieldsAreHonoured_andReadKeepsTheOrderOfTheIds() throws RpcFault {
    List<Map<String, Object>> answer =
        rows(
            fixture
                .runModel()
                .call(
                    "search_read",
                    args(List.of(leaf("result", "=", "parked"))),
                    Map.of("fields", List.of("rule", "records", "started"), "limit", 1)));
    RunHistory.Run newestParked =
        fixture.allRuns().stream()
            .filter(r -> r.run().result().equals("parked"))
            .findFirst()
            .orElseThrow();
    assertThat(answer)
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row).containsOnlyKeys("id", "rule", "records", "started");
              assertThat(row.get("id")).isEqualTo(newestParked.id());
              assertThat(row.get("records")).isEqualTo(newestParked.run().records().size());
              assertThat(row.get("started"))
                  .isEqualTo(
                      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                          .withZone(java.time.ZoneOffset.UTC)
                          .format(newestParked.run().started()));
            });

    List<Long> all = runIds(r -> true);
    List<Map<String, Object>> read =
        rows(
            fixture
                .runModel()
                .call(
                    "read", args(List.of(all.get(5), all.get(0), 999_999, all.get(5))), Map.of()));
    assertThat(read).extracting(r -> r.get("id")).containsExactly(all.get(5), all.get(0));
    RunHistory.Run fifth = fixture.history.run(all.get(5)).orElseThrow();
    assertThat(read.get(0))
        .containsEntry("rule", fifth.run().rule())
        .containsEntry("rule_id", fixture.states.id(fifth.run().rule()))
        .containsEntry("event_ids", String.valueOf(fifth.run().events().get(0)))
        .containsEntry("duration_ms", fifth.run().durationMicros() / 1000.0)
        .containsEntry("actions", fifth.actionsJson())
        .containsEntry("calls", fifth.calls());
  }

  @Test
  void unknownFieldsAndBadArguments_areRefusedNamingThem() {
    RunModel runs = fixture.runModel();
    assertThat(fault(runs, "search_read", args(List.of(leaf("nope", "=", 1)))).getMessage())
        .contains("nope");
    assertThat(fault(runs, "search_read", args(List.of(), List.of("rule", "secret"))).getMessage())
        .contains("'secret'");
    assertThat(fault(runs, "read", args(List.of(1), List.of("passwd"))).getMessage())
        .contains("'passwd'");
    assertThat(fault(runs, "search", args(List.of(), 0, 5, "colour desc")).getMessage())
        .contains("'colour'");
    assertThat(fault(runs, "search", args(List.of(), 0, 5, "rule sideways")).getMessage())
        .contains("rule sideways");
    assertThat(fault(runs, "fields_get", args(List.of("ghost"))).getMessage()).contains("'ghost'");
    assertThat(fault(runs, "search", args(), Map.of("sudo", true)).getMessage()).contains("'sudo'");
    assertThat(fault(runs, "search", args(List.of()), Map.of("domain", List.of())).getMessage())
        .contains("twice");
    assertThat(fault(runs, "search", args(List.of(), -1)).getMessage()).contains("offset");
    assertThat(fault(runs, "search", args(List.of(), 0, 2.5)).getMessage()).contains("limit");
    assertThat(fault(runs, "search", args("[]")).getMessage()).contains("domain");
    assertThat(fault(runs, "search", args(List.of("|", leaf("rule", "=", "x")))).getMessage())
        .contains("not correct");
    assertThat(fault(runs, "search", args(List.of(leaf("records", ">", "many")))).getMessage())
        .contains("many");
    assertThat(fault(runs, "search_read", args(1, 2, 3, 4, 5, 6)).getMessage())
        .contains("at most 5");
    assertThat(fault(runs, "unlink", args(List.of(1))).getMessage()).contains("no method unlink");
    assertThat(fault(runs, "read", args(List.of("1"))).getMessage()).contains("not a record id");
  }

  @Test
  void fieldsGet_answersOdoosAttributes_filteredWhenAsked() throws RpcFault {
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> all =
        (Map<String, Map<String, Object>>) fixture.runModel().call("fields_get", args(), Map.of());
    assertThat(all.keySet())
        .containsExactlyElementsOf(
            fixture.runModel().fields().stream().map(SidecarModel.Field::name).toList());
    assertThat(all.get("result"))
        .containsEntry("type", "selection")
        .containsEntry("string", "Result")
        .containsEntry("readonly", true)
        .containsEntry("store", true)
        .containsEntry("selection", RunModel.RESULTS.stream().map(v -> List.of(v, v)).toList());
    assertThat(all.get("duration_ms"))
        .containsEntry("type", "float")
        .doesNotContainKey("selection");
    assertThat(all.get("started")).containsEntry("type", "datetime");

    assertThat(
            fixture
                .runModel()
                .call("fields_get", args(List.of("rule", "calls"), List.of("type")), Map.of()))
        .isEqualTo(Map.of("rule", Map.of("type", "char"), "calls", Map.of("type", "integer")));
  }

  // ------------------------------------------------------------------ sidecar.event

  @Test
  void events_arePagedInIdOrder_withTheirStatusAsTheLogKeepsIt() throws RpcFault {
    EventModel events = fixture.eventModel(); // 3 events a page
    List<Map<String, Object>> all = rows(events.call("search_read", args(), Map.of()));
    assertThat(all).extracting(r -> r.get("id")).containsExactlyElementsOf(fixture.events);
    Map<Long, Object> status = new java.util.HashMap<>();
    all.forEach(r -> status.put((Long) r.get("id"), r.get("status")));
    fixture.dead.forEach(id -> assertThat(status.get(id)).isEqualTo("dead"));
    fixture.retrying.forEach(id -> assertThat(status.get(id)).isEqualTo("failed"));
    assertThat(status.values()).contains("done", "pending");

    List<Long> failedOrDead = new ArrayList<>(fixture.dead);
    failedOrDead.addAll(fixture.retrying);
    failedOrDead.sort(Comparator.reverseOrder());
    assertThat(
            events.call(
                "search",
                args(List.of(leaf("status", "in", List.of("dead", "failed"))), 1, 4, "id desc"),
                Map.of()))
        .isEqualTo(failedOrDead.subList(1, 5));
    assertThat(
            events.call(
                "search_count",
                args(List.of(leaf("database", "=", "other"), leaf("model", "=like", "res.%"))),
                Map.of()))
        .isEqualTo(
            fixture.log.page(0, false, 100, null).stream()
                .filter(e -> e.database().equals("other") && e.model().startsWith("res."))
                .count());
    Map<String, Object> retry =
        rows(events.call("read", args(List.of(fixture.retrying.get(0))), Map.of())).get(0);
    assertThat(retry.get("next_attempt")).isEqualTo("2030-01-10 08:10:00");
    assertThat(retry.get("last_error")).isEqualTo("retry " + fixture.retrying.get(0));
    Map<String, Object> dead =
        rows(events.call("read", args(fixture.dead.get(0)), Map.of())).get(0);
    assertThat(dead.get("next_attempt")).isEqualTo(false);
  }

  // ------------------------------------------------------------------ sidecar.dead_letter

  @Test
  void deadLetters_carryTheLastFailingRun_replayAndDiscard() throws RpcFault {
    DeadLetterModel letters = fixture.deadLetterModel(); // 2 a page
    List<Map<String, Object>> all = rows(letters.call("search_read", args(List.of()), Map.of()));
    assertThat(all).extracting(r -> r.get("id")).containsExactlyElementsOf(fixture.dead);
    for (Map<String, Object> row : all) {
      long id = (Long) row.get("id");
      RunHistory.Run last = fixture.history.lastFailure(id).orElseThrow();
      assertThat(row)
          .containsEntry("traceback", last.run().traceback())
          .containsEntry("rule", last.run().rule())
          .containsEntry("last_error", "dead on " + id);
      assertThat((String) row.get("failed_at")).startsWith("2030-01-10 ");
    }
    List<Map<String, Object>> scoring =
        rows(
            letters.call(
                "search_read",
                args(List.of(leaf("rule", "=", "Lead scoring")), List.of("rule")),
                Map.of()));
    assertThat(scoring).isNotEmpty().allSatisfy(r -> assertThat(r).containsOnlyKeys("id", "rule"));

    long replayed = fixture.dead.get(0);
    long discarded = fixture.dead.get(1);
    assertThat(
            letters.call(
                "action_replay", args(List.of(replayed, fixture.events.get(15))), Map.of()))
        .isEqualTo(List.of(replayed));
    assertThat(fixture.wakes.get()).isEqualTo(1);
    assertThat(letters.call("action_discard", args(List.of(discarded, replayed)), Map.of()))
        .isEqualTo(List.of(discarded));
    assertThat(letters.call("search", args(), Map.of()))
        .isEqualTo(fixture.dead.subList(2, fixture.dead.size()));
    assertThat(letters.call("read", args(List.of(discarded)), Map.of())).isEqualTo(List.of());
    assertThat(fixture.log.events(List.of(discarded)))
        .extracting(EventLog.Event::status)
        .containsExactly("discarded");
    assertThat(fault(letters, "action_discard", args("1; DROP TABLE sidecar_event")).getMessage())
        .contains("ids");
  }

  @Test
  void deadLetters_withoutAHistory_haveNoTraceback() throws RpcFault {
    DeadLetterModel letters =
        new DeadLetterModel(fixture.log, () -> {}, java.time.Clock.systemUTC());
    assertThat(rows(letters.call("search_read", args(), Map.of())))
        .hasSize(fixture.dead.size())
        .allSatisfy(
            r ->
                assertThat(r)
                    .containsEntry("traceback", "")
                    .containsEntry("rule", "")
                    .containsEntry("failed_at", false));
  }

  // ------------------------------------------------------------------ sidecar.rule

  @Test
  void rules_joinTheRulesInForce_theirStates_andTheirDurations() throws RpcFault {
    RuleModel model = fixture.ruleModel();
    List<Map<String, Object>> all = rows(model.call("search_read", args(), Map.of()));
    assertThat(all)
        .extracting(r -> r.get("name"))
        .containsExactlyInAnyOrderElementsOf(ModelsFixture.RULES);
    Map<String, RunHistory.Stats> stats = fixture.history.stats();
    for (Map<String, Object> row : all) {
      String name = (String) row.get("name");
      assertThat(row)
          .containsEntry("id", fixture.states.id(name))
          .containsEntry("p50_ms", stats.get(name).p50Ms())
          .containsEntry("p95_ms", stats.get(name).p95Ms())
          .containsEntry("file", "rules/" + name + ".yaml")
          .containsEntry("trigger", "on_create_or_write")
          .containsEntry("automation_id", false)
          .containsEntry("fired", fixture.states.state(name).map(s -> s.fired()).orElse(0L));
    }
    Map<String, Object> tag =
        all.stream().filter(r -> r.get("name").equals("Tag leads")).findFirst().orElseThrow();
    assertThat(tag).containsEntry("fired", 1L).containsEntry("last_run", "2030-01-10 09:00:00");
    Map<String, Object> scoring =
        all.stream().filter(r -> r.get("name").equals("Lead scoring")).findFirst().orElseThrow();
    assertThat(scoring)
        .containsEntry("source", "odoo")
        .containsEntry("database", "odoo")
        .containsEntry("last_error", stats.get("Lead scoring").lastError());

    assertThat(
            rows(
                model.call(
                    "search_read",
                    args(List.of(leaf("paused", "=", true)), List.of("name")),
                    Map.of())))
        .extracting(r -> r.get("name"))
        .containsExactly("Mail customers");
    assertThat(
            rows(
                model.call(
                    "search_read",
                    args(
                        List.of("!", leaf("source", "=", "odoo")),
                        List.of("name"),
                        0,
                        0,
                        "name desc"),
                    Map.of())))
        .extracting(r -> r.get("name"))
        .containsExactly("Tag leads", "Mail customers");
  }
}
