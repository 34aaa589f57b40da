package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's own models on a whole running sidecar, asked by Python's {@code xmlrpc.client} as
 * any Odoo RPC client would: with the push secret (as the addon does) and as a console user (an
 * Odoo login of {@code console.group}); a wrong password and a console user reaching the push are
 * refused.
 */
class SidecarModelsDaemonTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String SCRIPT =
      String.join(
          "\n",
          "import json, sys, xmlrpc.client",
          "url, secret, password = sys.argv[1], sys.argv[2], sys.argv[3]",
          "common = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/common')",
          "models = xmlrpc.client.ServerProxy(url + '/xmlrpc/2/object')",
          "out = {}",
          "def call(uid, pw, model, method, args, kw=None):",
          "    return models.execute_kw('memory', uid, pw, model, method, args, kw or {})",
          "uid = common.authenticate('memory', 'addon', secret, {})",
          "out['failed'] = call(uid, secret, 'sidecar.run', 'search_read',",
          "    [[('result', 'in', ['failed', 'parked']), ('rule', 'ilike', 'description')]],",
          "    {'fields': ['rule', 'result', 'records', 'error', 'traceback']})",
          "out['done_count'] = call(uid, secret, 'sidecar.run', 'search_count', [[('result', '=', 'done')]])",
          "out['letters'] = call(uid, secret, 'sidecar.dead_letter', 'search_read',",
          "    [['|', ('attempts', '>=', 1), ('model', '=', 'res.partner')]], {'fields': ['rule', 'record_id', 'traceback']})",
          "out['rules'] = call(uid, secret, 'sidecar.rule', 'search_read', [[('paused', '=', False)]], {'fields': ['name', 'fired', 'source']})",
          "out['events'] = call(uid, secret, 'sidecar.event', 'search_count', [[('status', '=', 'dead')]])",
          "out['watch'] = sorted(call(uid, secret, 'sidecar.event', 'watch_list', [])['models'])",
          "out['fields'] = sorted(call(uid, secret, 'sidecar.run', 'fields_get', [], {'attributes': ['type']}))",
          "user = common.authenticate('memory', 'admin', password, {})",
          "out['user'] = user",
          "out['as_user'] = call(user, password, 'sidecar.dead_letter', 'search_count', [[]])",
          "out['wrong'] = common.authenticate('memory', 'admin', 'not-the-password', {})",
          "try:",
          "    call(user, password, 'sidecar.event', 'push', [{'nonce': 'n' * 12, 'sent_at': 0, 'events': []}])",
          "    out['push'] = 'accepted'",
          "except xmlrpc.client.Fault as fault:",
          "    out['push'] = fault.faultString[:200]",
          "except xmlrpc.client.ProtocolError as error:",
          "    out['push'] = 'http %d' % error.errcode",
          "try:",
          "    call(99, 'guess', 'sidecar.run', 'search_read', [[]])",
          "    out['anonymous'] = 'answered'",
          "except xmlrpc.client.ProtocolError as error:",
          "    out['anonymous'] = 'http %d' % error.errcode",
          "except xmlrpc.client.Fault as fault:",
          "    out['anonymous'] = fault.faultString[:200]",
          "out['replayed'] = call(uid, secret, 'sidecar.dead_letter', 'action_replay', [[l['id'] for l in out['letters']]])",
          "print(json.dumps(out))");

  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void pythonsXmlRpcClientReadsTheRunsAndDeadLettersWithTheSecretOrAsAConsoleUser()
      throws Exception {
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(ConsoleDaemonBrowserTest.FIXTURES);
    ConsoleDaemonBrowserTest.administrators(odoo);
    List<Long> leads = new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, 3);
    for (long id : leads) {
      odoo.records("crm.lead").get(id).put("expected_revenue", 20000.0);
      odoo.records("crm.lead").get(id).put("description", id == leads.get(0) ? false : "<p>ok</p>");
    }
    try (TestSidecar sidecar =
        TestSidecar.start(
            dir,
            odoo,
            ConsoleDaemonBrowserTest.RULES,
            "pipeline:\n  retry:\n    max-attempts: 1\n")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sidecar.get("/health/ready").statusCode() == 200);
      sidecar.pushWrite(1, "crm.lead", leads.subList(0, 1), "expected_revenue", 5000.0);
      sidecar.pushWrite(2, "crm.lead", leads.subList(1, 3), "expected_revenue", 5000.0);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> sidecar.get("/health").body().contains("\"dead\":1"));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> sidecar.get("/health").body().contains("\"done\":2"));

      Map<String, Object> out = python(sidecar);

      List<Map<String, Object>> failed = (List<Map<String, Object>>) out.get("failed");
      assertThat(failed).hasSize(1);
      assertThat(failed.get(0))
          .containsEntry("rule", ConsoleDaemonBrowserTest.FAILING)
          .containsEntry("result", "parked")
          .containsEntry("records", 1);
      assertThat((String) failed.get(0).get("traceback"))
          .contains("Traceback")
          .contains("no description");
      assertThat(((Number) out.get("done_count")).intValue())
          .as("the VIP rule's runs, and the code rule's on the two described leads")
          .isGreaterThanOrEqualTo(2);
      List<Map<String, Object>> letters = (List<Map<String, Object>>) out.get("letters");
      assertThat(letters).hasSize(1);
      assertThat(letters.get(0)).containsEntry("rule", ConsoleDaemonBrowserTest.FAILING);
      assertThat(((Number) letters.get(0).get("record_id")).longValue()).isEqualTo(leads.get(0));
      assertThat((List<Map<String, Object>>) out.get("rules"))
          .extracting(r -> r.get("name"))
          .containsExactlyInAnyOrder(
              ConsoleDaemonBrowserTest.FAILING, ConsoleDaemonBrowserTest.OTHER);
      assertThat(out.get("events")).isEqualTo(1);
      assertThat((List<String>) out.get("watch"))
          .as("the addon's watch_list still answered beside the model's reads")
          .containsExactly("crm.lead");
      assertThat((List<String>) out.get("fields"))
          .contains("rule", "result", "traceback", "duration_ms");
      assertThat(((Number) out.get("user")).longValue())
          .isGreaterThanOrEqualTo(ConsoleRpcUsers.FIRST_UID);
      assertThat(out.get("as_user")).isEqualTo(1);
      assertThat(out.get("wrong"))
          .as("a wrong password: authenticate answers False")
          .isEqualTo(false);
      assertThat(String.valueOf(out.get("push")))
          .as("a console user cannot push")
          .doesNotContain("accepted");
      assertThat(String.valueOf(out.get("anonymous"))).doesNotContain("answered");
      assertThat((List<Object>) out.get("replayed")).hasSize(1);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> python(TestSidecar sidecar) throws Exception {
    Process python =
        new ProcessBuilder(
                "python3",
                "-c",
                SCRIPT,
                sidecar.url(),
                TestSidecar.SECRET,
                TestSidecar.ODOO_PASSWORD)
            .start();
    byte[] out = python.getInputStream().readAllBytes();
    byte[] err = python.getErrorStream().readAllBytes();
    assertThat(python.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as(new String(err, StandardCharsets.UTF_8)).isZero();
    return JSON.readValue(out, Map.class);
  }
}
