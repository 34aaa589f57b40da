package io.odoosidecar.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite: every domain recorded from Odoo 18, evaluated over the recorded records,
 * must select exactly the ids Odoo's SQL search returned (or be rejected where Odoo rejected it).
 */
class DomainConformanceTest {
  static Path fixtures() {
    return Path.of(System.getProperty("sidecar.shared", "../shared")).resolve("fixtures/odoo18");
  }

  @Test
  void everyRecordedDomain_selectsWhatOdooSelected() throws Exception {
    Conformance conformance = Conformance.load(fixtures());
    List<String> output = new ArrayList<>();
    Conformance.Result result =
        conformance.run(fixtures().resolve("domains.jsonl"), Set.of(), output::add);

    long rows =
        Files.readAllLines(fixtures().resolve("domains.jsonl")).stream()
            .filter(l -> !l.isBlank())
            .count();
    assertThat(result.differences()).as("rows where the engine and Odoo disagree").isEmpty();
    assertThat(result.passed()).isEqualTo(rows);
    assertThat(rows).isEqualTo(768);
  }

  @Test
  void rowWithAWrongExpectation_isReportedWithTheIdsThatDiffer() throws Exception {
    Path corpus = Files.createTempFile("corpus", ".jsonl");
    Files.writeString(
        corpus,
        "{\"model\": \"crm.lead\", \"domain\": [[\"id\", \"in\", [1, 2]]], \"search_all\": [1, 3]}\n"
            + "{\"model\": \"crm.lead\", \"domain\": [[\"nosuch\", \"=\", 1]], \"search_all\": []}\n"
            + "{\"model\": \"crm.lead\", \"domain\": [[\"nosuch\", \"=\", 1]], \"error\": \"ValueError: Invalid field\"}\n");
    List<String> output = new ArrayList<>();
    Conformance.Result result = Conformance.load(fixtures()).run(corpus, Set.of(), output::add);

    assertThat(result.passed()).isEqualTo(1);
    assertThat(result.failed()).isEqualTo(2);
    assertThat(output.get(0)).contains("missing ids [3]").contains("extra ids [2]");
    assertThat(output.get(1)).contains("rejected").contains("Invalid field crm.lead.nosuch");
  }
}
