package io.odoosidecar.domain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of parsing, Odoo's rewriting and evaluation, over generated domains. */
class DomainPropertiesTest {
  private static final Conformance DATA = Conformance.load(DomainConformanceTest.fixtures());
  private static final List<Object> LEAD_LEAVES = corpusLeaves("crm.lead");

  @Property(tries = 300)
  void printThenParse_givesTheSameDomain(@ForAll("anyDomains") List<Object> raw) {
    Domain domain = Domain.of(raw);
    assertThat(Domain.parse(domain.toString())).isEqualTo(domain);
  }

  @Property(tries = 200)
  void normalisedForm_selectsTheSameRecords(@ForAll("leadDomains") List<Object> raw) {
    DomainEngine engine = DATA.engine();
    Domain domain = Domain.of(raw);
    Domain normalized = engine.normalized("crm.lead", domain);
    List<Object> tokens = normalized.tokens();
    for (int i = 0; i < tokens.size(); i++) {
      if (Domain.NOT.equals(tokens.get(i))) {
        Object next = tokens.get(i + 1);
        assertThat(next).as("a '!' stays only in front of a leaf").isInstanceOf(Domain.Leaf.class);
        assertThat(Domain.NEGATION)
            .as("and only when its operator has no negation")
            .doesNotContainKey(((Domain.Leaf) next).operator());
      }
    }
    assertThat(engine.search("crm.lead", normalized, false))
        .isEqualTo(engine.search("crm.lead", domain, false));
  }

  @Property(tries = 200)
  void orAndAnd_areCommutativeOnResults(
      @ForAll("leadDomains") List<Object> a, @ForAll("leadDomains") List<Object> b) {
    DomainEngine engine = DATA.engine();
    for (String operator : List.of(Domain.OR, Domain.AND)) {
      Set<Long> ab = engine.search("crm.lead", Domain.of(concat(operator, a, b)), false);
      Set<Long> ba = engine.search("crm.lead", Domain.of(concat(operator, b, a)), false);
      assertThat(ab).isEqualTo(ba);
    }
  }

  @Property(tries = 100)
  void doubleNegation_selectsTheSameRecords(@ForAll("leadDomains") List<Object> raw) {
    DomainEngine engine = DATA.engine();
    List<Object> twice = new ArrayList<>(List.of(Domain.NOT, Domain.NOT));
    twice.addAll(Domain.of(raw).tokens());
    assertThat(engine.search("crm.lead", Domain.of(twice), false))
        .isEqualTo(engine.search("crm.lead", Domain.of(raw), false));
  }

  private static List<Object> concat(String operator, List<Object> a, List<Object> b) {
    List<Object> out = new ArrayList<>();
    out.add(operator);
    out.addAll(Domain.of(a).tokens());
    out.addAll(Domain.of(b).tokens());
    return out;
  }

  @Provide
  Arbitrary<List<Object>> leadDomains() {
    return domains(Arbitraries.of(LEAD_LEAVES), 3);
  }

  @Provide
  Arbitrary<List<Object>> anyDomains() {
    Arbitrary<Object> value =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
            Arbitraries.strings().withChars("'\"\\\n\té€ %_").ofMaxLength(8).map(s -> (Object) s),
            Arbitraries.longs().map(l -> (Object) l),
            Arbitraries.doubles().map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(null),
            Arbitraries.longs().between(-5, 5).list().ofMaxSize(3).map(l -> (Object) l));
    Arbitrary<Object> leaf =
        Combinators.combine(
                Arbitraries.of("name", "partner_id.country_id.code", "tag_ids", "x_custom", "date"),
                Arbitraries.of(Domain.OPERATORS.stream().filter(o -> !o.contains("any")).toList()),
                value)
            .as((field, op, v) -> (Object) java.util.Arrays.asList(field, op, v));
    return domains(leaf, 3);
  }

  private static Arbitrary<List<Object>> domains(Arbitrary<Object> leaves, int depth) {
    if (depth == 0) {
      return leaves.map(l -> new ArrayList<>(List.of(l)));
    }
    Arbitrary<List<Object>> smaller = domains(leaves, depth - 1);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, leaves.map(l -> new ArrayList<>(List.of(l)))),
        net.jqwik.api.Tuple.of(1, smaller.map(d -> prefix(Domain.NOT, d))),
        net.jqwik.api.Tuple.of(
            1, Combinators.combine(smaller, smaller).as((x, y) -> join(Domain.OR, x, y))),
        net.jqwik.api.Tuple.of(
            1, Combinators.combine(smaller, smaller).as((x, y) -> join(Domain.AND, x, y))),
        net.jqwik.api.Tuple.of(
            1, Combinators.combine(smaller, smaller).as((x, y) -> join(null, x, y))));
  }

  private static List<Object> prefix(String operator, List<Object> domain) {
    List<Object> out = new ArrayList<>();
    out.add(operator);
    out.addAll(Domain.of(domain).tokens());
    return out;
  }

  /** Two domains joined by an operator, or implicitly (null) as Odoo allows. */
  private static List<Object> join(String operator, List<Object> a, List<Object> b) {
    List<Object> out = new ArrayList<>();
    if (operator != null) {
      out.add(operator);
    }
    out.addAll(Domain.of(a).tokens());
    out.addAll(Domain.of(b).tokens());
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> corpusLeaves(String model) {
    try {
      var json = JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();
      List<Object> leaves = new ArrayList<>();
      for (String line :
          Files.readAllLines(DomainConformanceTest.fixtures().resolve("domains.jsonl"))) {
        Map<String, Object> row = json.readValue(line, Map.class);
        if (model.equals(row.get("model")) && !row.containsKey("error")) {
          for (Object token : (List<Object>) row.get("domain")) {
            if (token instanceof List<?> leaf) {
              leaves.add(leaf);
            }
          }
        }
      }
      return leaves;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
