package io.odoosidecar.server.models;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.server.RpcModels;
import io.odoosidecar.server.TestServers;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.RunHistory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's models asked over XML-RPC by Python's standard {@code xmlrpc.client}, as the addon
 * and any Odoo script ask them, over stores filled with real runs and events.
 */
class SidecarModelsXmlRpcTest {
  private static final String SECRET = "models-test-secret";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What Python asks, printed as one JSON object. */
  private static final String SCRIPT =
      """
      import json, sys, xmlrpc.client
      url, secret = "http://127.0.0.1:" + sys.argv[1], sys.argv[2]
      uid = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/common").authenticate("odoo", "addon", secret, {})
      models = xmlrpc.client.ServerProxy(url + "/xmlrpc/2/object")
      def call(model, method, *args, **kwargs):
          return models.execute_kw("odoo", uid, secret, model, method, list(args), kwargs)
      out = {"uid": uid}
      out["failed_lead"] = call("sidecar.run", "search_read",
          [("result", "=", "failed"), ("rule", "ilike", "lead")], fields=["rule", "result", "records"])
      out["or"] = call("sidecar.run", "search_read",
          ["|", ("records", ">", 1), ("duration_ms", ">=", 5.0)], ["records", "duration_ms"])
      out["count"] = call("sidecar.run", "search_count", [("result", "in", ["failed", "parked"])])
      out["fields"] = call("sidecar.run", "fields_get", attributes=["type", "string", "selection"])
      newest = call("sidecar.run", "search", [], limit=3)
      out["newest"] = newest
      out["read"] = call("sidecar.run", "read", newest[::-1], ["rule", "started", "duration_ms"])
      out["dead_events"] = call("sidecar.event", "search_read", [("status", "=", "dead")],
          ["status", "record_id"], order="id desc")
      out["rules"] = call("sidecar.rule", "search_read", [], ["name", "paused", "source", "p95_ms"])
      dead = call("sidecar.dead_letter", "search_read", [], ["traceback", "rule", "failed_at"])
      out["dead"] = dead
      out["replayed"] = call("sidecar.dead_letter", "action_replay", [d["id"] for d in dead[:2]] + [999999])
      out["dead_after"] = call("sidecar.dead_letter", "search", [])
      try:
          call("sidecar.run", "search_read", [("nope", "=", 1)])
          out["fault"] = None
      except xmlrpc.client.ProtocolError as e:
          out["fault"] = [e.errcode, e.errmsg]
      try:
          models.execute_kw("odoo", uid, "wrong", "sidecar.run", "search", [[]])
          out["denied"] = None
      except xmlrpc.client.ProtocolError as e:
          out["denied"] = e.errcode
      print(json.dumps(out))
      """;

  @TempDir Path dir;
  private ModelsFixture fixture;
  private HttpServer server;

  @BeforeEach
  void start() {
    fixture = new ModelsFixture(dir);
    RpcModels service = new RpcModels(new Fallback(), fixture.models());
    server = TestServers.started(TestServers.rpcRoutes(new RpcEndpoint(service, 1 << 20)));
  }

  @AfterEach
  void stop() {
    server.stop();
    fixture.close();
  }

  /** What the models stand in front of: authenticates the secret, knows no other model. */
  private static final class Fallback implements RpcEndpoint.Service {
    @Override
    public Map<String, Object> version() {
      return Map.of("server_version", "18.0", "protocol_version", 1L);
    }

    @Override
    public OptionalLong authenticate(
        String database, String login, String password, RpcEndpoint.Request request) {
      return SECRET.equals(password) ? OptionalLong.of(2) : OptionalLong.empty();
    }

    @Override
    public Object execute(
        String database,
        long uid,
        String password,
        String model,
        String method,
        List<Object> args,
        Map<String, Object> kwargs,
        RpcEndpoint.Request request)
        throws RpcFault {
      throw new RpcFault(200, 1, "builtins.KeyError", "no model " + model);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> askPython() throws Exception {
    Process python =
        new ProcessBuilder("python3", "-c", SCRIPT, String.valueOf(server.port()), SECRET)
            .redirectErrorStream(false)
            .start();
    byte[] out = python.getInputStream().readAllBytes();
    byte[] err = python.getErrorStream().readAllBytes();
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as(new String(err, StandardCharsets.UTF_8)).isZero();
    return JSON.readValue(out, Map.class);
  }

  private List<Long> runIds(Predicate<RunHistory.Run> filter) {
    return fixture.allRuns().stream().filter(filter).map(RunHistory.Run::id).toList();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(Object value) {
    return (List<Map<String, Object>>) value;
  }

  private static List<Long> ids(Object rows) {
    return rows(rows).stream().map(r -> ((Number) r.get("id")).longValue()).toList();
  }

  private static List<Long> longs(Object list) {
    return ((List<?>) list).stream().map(n -> ((Number) n).longValue()).toList();
  }

  @Test
  void pythonsXmlRpcClient_queriesTheModels_andTheAnswersAreWhatTheStoresHold() throws Exception {
    List<RunHistory.Run> runs = fixture.allRuns();
    List<Long> deadBefore = new ArrayList<>(fixture.dead);
    Map<Long, RunHistory.Run> lastFailures = fixture.history.lastFailures(deadBefore);

    Map<String, Object> answer = askPython();

    assertThat(answer.get("uid")).isEqualTo(2);
    List<Long> failedLead =
        runIds(
            r ->
                r.run().result().equals("failed")
                    && r.run().rule().toLowerCase(Locale.ROOT).contains("lead"));
    assertThat(failedLead).isNotEmpty();
    assertThat(ids(answer.get("failed_lead"))).containsExactlyElementsOf(failedLead);
    assertThat(rows(answer.get("failed_lead")))
        .allSatisfy(
            r ->
                assertThat(r)
                    .containsOnlyKeys("id", "rule", "result", "records")
                    .containsEntry("result", "failed"));

    assertThat(ids(answer.get("or")))
        .containsExactlyElementsOf(
            runIds(r -> r.run().records().size() > 1 || r.run().durationMicros() >= 5000));
    assertThat(((Number) answer.get("count")).longValue())
        .isEqualTo(runIds(r -> r.run().result().matches("failed|parked")).size());

    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> fields =
        (Map<String, Map<String, Object>>) answer.get("fields");
    assertThat(fields.keySet())
        .containsExactlyElementsOf(
            fixture.runModel().fields().stream().map(SidecarModel.Field::name).toList());
    assertThat(fields.get("result"))
        .containsEntry("type", "selection")
        .containsEntry("string", "Result")
        .containsEntry("selection", RunModel.RESULTS.stream().map(v -> List.of(v, v)).toList());
    assertThat(fields.get("rule")).containsOnlyKeys("type", "string").containsEntry("type", "char");

    List<Long> newest = runs.stream().limit(3).map(RunHistory.Run::id).toList();
    assertThat(longs(answer.get("newest"))).isEqualTo(newest);
    List<Map<String, Object>> read = rows(answer.get("read"));
    assertThat(ids(read)).containsExactly(newest.get(2), newest.get(1), newest.get(0));
    RunHistory.Run third = runs.get(2);
    assertThat(read.get(0))
        .containsEntry("rule", third.run().rule())
        .containsEntry("started", SidecarModel.datetime(third.run().started()))
        .containsEntry("duration_ms", third.run().durationMicros() / 1000.0);

    List<Long> deadDescending = new ArrayList<>(deadBefore);
    java.util.Collections.reverse(deadDescending);
    assertThat(ids(answer.get("dead_events"))).containsExactlyElementsOf(deadDescending);
    assertThat(rows(answer.get("dead_events")))
        .allSatisfy(r -> assertThat(r).containsEntry("status", "dead"));

    assertThat(rows(answer.get("rules")))
        .extracting(r -> r.get("name") + ":" + r.get("paused") + ":" + r.get("source"))
        .containsExactlyInAnyOrder(
            "Tag leads:false:file", "Lead scoring:false:odoo", "Mail customers:true:file");
    assertThat(rows(answer.get("rules")))
        .allSatisfy(
            r ->
                assertThat(((Number) r.get("p95_ms")).doubleValue())
                    .isEqualTo(fixture.history.stats().get((String) r.get("name")).p95Ms()));

    List<Map<String, Object>> dead = rows(answer.get("dead"));
    assertThat(ids(dead)).containsExactlyElementsOf(deadBefore);
    for (Map<String, Object> row : dead) {
      RunHistory.Run last = lastFailures.get(((Number) row.get("id")).longValue());
      assertThat(row)
          .containsEntry("traceback", last.run().traceback())
          .containsEntry("rule", last.run().rule());
    }
    assertThat(longs(answer.get("replayed"))).isEqualTo(deadBefore.subList(0, 2));
    assertThat(longs(answer.get("dead_after"))).isEqualTo(deadBefore.subList(2, deadBefore.size()));
    assertThat(fixture.log.events(deadBefore.subList(0, 2)))
        .extracting(EventLog.Event::status)
        .containsOnly("pending");
    assertThat(fixture.wakes.get()).isEqualTo(1);

    List<?> fault = (List<?>) answer.get("fault");
    assertThat(fault.get(0)).isEqualTo(400);
    assertThat((String) fault.get(1)).contains("nope");
    assertThat(answer.get("denied")).isEqualTo(401);
  }
}
