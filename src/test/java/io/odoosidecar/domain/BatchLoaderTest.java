package io.odoosidecar.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every recorded domain, evaluated over a batch read through the loader from an in-memory Odoo,
 * selects what Odoo selected among the batch; the number of calls depends on the domain, not on the
 * batch size.
 */
class BatchLoaderTest {
  private static final Conformance DATA = Conformance.load(DomainConformanceTest.fixtures());

  @Test
  @SuppressWarnings("unchecked")
  void recordedDomains_overALoadedBatch_agreeWithOdoo_inFewCalls() throws Exception {
    var json = JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();
    int checked = 0;
    int undecidable = 0;
    int maxCalls = 0;
    for (String line :
        Files.readAllLines(DomainConformanceTest.fixtures().resolve("domains.jsonl"))) {
      Map<String, Object> row = json.readValue(line, Map.class);
      if (row.containsKey("error")) {
        continue;
      }
      String model = (String) row.get("model");
      Domain domain = Domain.of((List<Object>) row.get("domain"));
      List<Long> all =
          new ArrayList<>(new TreeSet<>(DATA.engine().search(model, Domain.of(List.of()), false)));
      List<Long> batch = all.subList(0, Math.min(60, all.size()));
      Set<Long> expected = new TreeSet<>();
      for (Object id : (List<Object>) row.get("search_all")) {
        if (batch.contains(((Number) id).longValue())) {
          expected.add(((Number) id).longValue());
        }
      }
      try {
        int small = calls(model, batch.subList(0, 5), domain);
        FixtureOdoo odoo = new FixtureOdoo(DATA);
        RecordStore store =
            new BatchLoader(odoo, DATA.schema()).load(model, batch, List.of(domain));
        DomainEngine.Compiled compiled =
            new DomainEngine(DATA.schema(), store).compile(model, domain);
        Set<Long> found = new TreeSet<>();
        for (Long id : batch) {
          if (compiled.test(store.get(model, id))) {
            found.add(id);
          }
        }
        assertThat(found)
            .as("%s %s over the first %d records", model, domain, batch.size())
            .isEqualTo(expected);
        assertThat(odoo.calls.get())
            .as("calls for 60 records and for 5, %s", domain)
            .isLessThanOrEqualTo(Math.max(small, 1) + 2);
        maxCalls = Math.max(maxCalls, odoo.calls.get());
        checked++;
      } catch (UndecidableException e) {
        assertThat(e.getMessage())
            .as("only hierarchies need whole models")
            .containsAnyOf("child_of", "parent_of");
        undecidable++;
      }
    }
    assertThat(checked).isGreaterThan(650);
    assertThat(maxCalls).as("most search_read calls for one domain").isLessThanOrEqualTo(8);
    System.out.printf(
        "batch loader: %d domains agree, %d need Odoo (hierarchies), at most %d calls%n",
        checked, undecidable, maxCalls);
  }

  @Test
  void requirements_followPathsNameSearchesAndInverses() {
    Map<String, Set<String>> needs =
        DATA.engine()
            .requirements(
                "sale.order",
                Domain.parse(
                    "[('order_line.product_id.name', 'ilike', 'desk'), ('partner_id', 'ilike', 'Azure'), ('tag_ids', '=', False)]"));
    assertThat(needs.get("sale.order")).contains("id", "order_line", "partner_id", "tag_ids");
    assertThat(needs.get("sale.order.line")).contains("order_id", "product_id");
    assertThat(needs.get("product.product")).contains("name", "active");
    assertThat(needs.get("res.partner"))
        .contains("complete_name", "email", "ref", "vat", "company_registry");
  }

  private static int calls(String model, List<Long> batch, Domain domain) {
    FixtureOdoo odoo = new FixtureOdoo(DATA);
    new BatchLoader(odoo, DATA.schema()).load(model, batch, List.of(domain));
    return odoo.calls.get();
  }
}
