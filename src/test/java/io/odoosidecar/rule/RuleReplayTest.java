package io.odoosidecar.rule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.odoo.FieldInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The 250 operations recorded from Odoo 18 fire, through the matcher, exactly the (rule, record)
 * pairs Odoo fired, chained firings included.
 */
class RuleReplayTest {
  static Path corpus() {
    return Path.of(
        System.getProperty("sidecar.shared", "../shared"),
        "fixtures",
        "odoo18",
        "rule_firings.jsonl");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Map<String, FieldInfo>> projectTaskFields() throws Exception {
    Map<String, Object> raw =
        new ObjectMapper()
            .readValue(
                RuleReplayTest.class.getResourceAsStream("project.task.fields_get.json"),
                Map.class);
    Map<String, FieldInfo> fields = new LinkedHashMap<>();
    ((Map<String, Map<String, Object>>) raw.get("project.task"))
        .forEach((name, attributes) -> fields.put(name, FieldInfo.of(name, attributes)));
    Map<String, Map<String, FieldInfo>> known = new HashMap<>();
    known.put("project.task", fields);
    return known;
  }

  @Test
  void everyRecordedOperation_firesWhatOdooFired() throws Exception {
    List<String> differences = new ArrayList<>();
    RuleReplay.Result result = new RuleReplay(projectTaskFields()).run(corpus(), differences::add);

    assertThat(differences).isEmpty();
    assertThat(result.passed()).isEqualTo(250);
  }

  @Test
  void withoutFieldMetadata_OdoosComputedWritesAfterCreateAreMissed() {
    List<String> differences = new ArrayList<>();
    RuleReplay.Result result = new RuleReplay(Map.of()).run(corpus(), differences::add);

    assertThat(result.failed()).isPositive();
    assertThat(differences)
        .allSatisfy(
            d ->
                assertThat(d)
                    .contains("create project.task")
                    .contains("not fired [rc3 name or customer written, has customer"));
  }
}
