package io.odoosidecar.bench;

import io.odoosidecar.domain.Conformance;
import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Domain evaluation over the 224 recorded crm.lead records, and parsing. Run with {@code
 * scripts/bench domain} (fixtures from {@code -Dsidecar.shared}, default {@code ../shared}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DomainBenchmark {
  static final String DOMAIN =
      "['|', ('expected_revenue', '>', 10000), '&', ('priority', 'in', ['2','3']),"
          + " ('tag_ids.name', 'ilike', 'o')]";
  static final String TEN_LEAVES =
      "['|', ('name', 'ilike', 'desk'), '&', ('expected_revenue', '>', 10000.0),"
          + " ('priority', 'in', ['2', '3']), ('stage_id.name', '=', 'Won'), ('tag_ids', 'in', [1, 2]),"
          + " ('partner_id.country_id.code', '=', 'US'), ('date_deadline', '<', '2026-12-31'),"
          + " ('active', '=', True), ('user_id', '!=', False), ('email_from', '=like', '%@example.com'),"
          + " ('probability', '>=', 50)]";
  static final int RECORDS = 224;

  private Collection<Map<String, Object>> leads;
  private DomainEngine.Compiled compiled;

  @Setup
  public void setUp() {
    Path fixtures =
        Path.of(System.getProperty("sidecar.shared", "../shared"), "fixtures", "odoo18");
    Conformance data = Conformance.load(fixtures);
    leads = data.store().all("crm.lead");
    if (leads.size() != RECORDS) {
      throw new IllegalStateException(
          "expected " + RECORDS + " crm.lead records, found " + leads.size());
    }
    compiled = data.engine().compile("crm.lead", Domain.parse(DOMAIN));
  }

  /** Record-evaluations per second (the score is per record). */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void evaluate(Blackhole hole) {
    for (Map<String, Object> lead : leads) {
      hole.consume(compiled.test(lead));
    }
  }

  /** Parses of a 10-leaf domain string per second. */
  @Benchmark
  public Domain parseTenLeaves() {
    return Domain.parse(TEN_LEAVES);
  }
}
