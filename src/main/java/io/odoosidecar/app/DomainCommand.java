package io.odoosidecar.app;

import io.odoosidecar.domain.BatchLoader;
import io.odoosidecar.domain.Conformance;
import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.DomainMatcher;
import io.odoosidecar.domain.PyLiteral;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.domain.Tri;
import io.odoosidecar.domain.UndecidableException;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sidecar domain ...}: Odoo domains evaluated by the sidecar. */
@Command(
    name = "domain",
    mixinStandardHelpOptions = true,
    description = "Evaluate Odoo domains in the sidecar.",
    subcommands = {
      DomainCommand.ConformanceCommand.class,
      DomainCommand.ExplainCommand.class,
      DomainCommand.BenchDomainCommand.class
    })
final class DomainCommand {
  @ParentCommand SidecarCommand root;

  /** {@code sidecar domain conformance}. */
  @Command(
      name = "conformance",
      mixinStandardHelpOptions = true,
      description = {
        "Evaluate every row of a corpus of domains recorded from Odoo over the recorded records",
        "and compare with the ids Odoo returned (search_all) or the error it raised. Prints one",
        "line per disagreement, then `N passed, M failed`; exits 0 only when every row passes."
      })
  static final class ConformanceCommand implements Callable<Integer> {
    @ParentCommand DomainCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = "--fixtures",
        required = true,
        paramLabel = "DIR",
        description = "Folder with fields_get.json and records.json.")
    Path fixtures;

    @Option(
        names = "--corpus",
        paramLabel = "FILE",
        description = "The corpus (default: DIR/domains.jsonl).")
    Path corpus;

    @Option(
        names = "--exceptions",
        paramLabel = "FILE",
        description = {
          "Rows where Odoo itself is taken to be wrong, reported apart: one per line,",
          "MODEL<TAB>DOMAIN<TAB>REASON with DOMAIN as the command prints it; # starts a comment."
        })
    Path exceptions;

    @Override
    public Integer call() {
      parent.root.quietLogs();
      PrintWriter out = spec.commandLine().getOut();
      Conformance.Result result =
          Conformance.load(fixtures)
              .run(
                  corpus == null ? fixtures.resolve("domains.jsonl") : corpus,
                  exceptions(),
                  line -> {
                    out.println(line);
                    out.flush();
                  });
      if (result.excepted() > 0) {
        out.println(result.excepted() + " rows excepted (see " + exceptions + ")");
      }
      out.println(result.passed() + " passed, " + result.failed() + " failed");
      out.flush();
      return result.failed() == 0 ? ExitCodes.OK : ExitCodes.ODOO_ERROR;
    }

    private Set<String> exceptions() {
      Set<String> keys = new HashSet<>();
      if (exceptions == null) {
        return keys;
      }
      try {
        for (String line : Files.readAllLines(exceptions, StandardCharsets.UTF_8)) {
          if (line.isBlank() || line.startsWith("#")) {
            continue;
          }
          String[] parts = line.split("\t");
          if (parts.length < 3) {
            throw new ConfigException(
                exceptions, "", "each line needs MODEL<TAB>DOMAIN<TAB>REASON: " + line);
          }
          keys.add(parts[0] + "\t" + parts[1]);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return keys;
    }
  }

  /** {@code sidecar domain explain}. */
  @Command(
      name = "explain",
      mixinStandardHelpOptions = true,
      description = {
        "Show, for one record and one domain, which leaves held and which did not, with the",
        "values compared. Leaves are shown as Odoo evaluates them (dotted paths as `any`, `!`",
        "pushed down); UNKNOWN is SQL's NULL, which never matches. Reads the record from the",
        "configured Odoo, or from recorded fixtures with --fixtures."
      })
  static final class ExplainCommand implements Callable<Integer> {
    @ParentCommand DomainCommand parent;
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin ConnectionOptions connection;

    @Option(
        names = "--fixtures",
        paramLabel = "DIR",
        description = "Folder with fields_get.json and records.json, instead of a live Odoo.")
    Path fixtures;

    @Option(names = "--model", required = true, paramLabel = "MODEL")
    String model;

    @Option(names = "--id", required = true, paramLabel = "ID")
    long id;

    @Parameters(paramLabel = "DOMAIN", description = "The domain, as a Python literal or JSON.")
    String domain;

    @Override
    public Integer call() {
      parent.root.quietLogs();
      Domain parsed = Domain.parse(domain);
      PrintWriter out = spec.commandLine().getOut();
      if (fixtures != null) {
        Conformance data = Conformance.load(fixtures);
        Map<String, Object> record = data.store().get(model, id);
        if (record == null) {
          throw new IllegalArgumentException(
              "no " + model + " record with id " + id + " in " + fixtures);
        }
        print(out, data.engine().explain(model, parsed, record));
        return ExitCodes.OK;
      }
      try (OdooClient client = OdooClients.create(connection.settings(parent.root.loadConfig()))) {
        Schema schema = Schema.lazy(client::fieldsGet);
        try {
          RecordStore store =
              new BatchLoader(client, schema).load(model, List.of(id), List.of(parsed));
          Map<String, Object> record = store.get(model, id);
          if (record == null) {
            throw new IllegalArgumentException("Odoo has no " + model + " record with id " + id);
          }
          print(out, new DomainEngine(schema, store).explain(model, parsed, record));
        } catch (UndecidableException e) {
          boolean matches =
              !new DomainMatcher(client, schema).ask(model, List.of(id), parsed).isEmpty();
          out.println(
              model
                  + " "
                  + id
                  + ": "
                  + (matches ? "matches" : "does not match")
                  + " (answered by Odoo)");
          out.println("  not decidable from the records at hand: " + e.getMessage());
        }
        return ExitCodes.OK;
      }
    }

    private void print(PrintWriter out, DomainEngine.Explanation explanation) {
      out.println(
          model
              + " "
              + id
              + ": "
              + (explanation.result() == Tri.TRUE ? "matches" : "does not match")
              + " ("
              + explanation.result()
              + ")");
      for (DomainEngine.Step step : explanation.steps()) {
        out.printf(
            Locale.ROOT,
            "  %-8s %s%s%n           %s%n",
            step.result(),
            step.negated() ? "NOT " : "",
            step.leaf(),
            step.compared());
      }
      out.flush();
    }
  }

  /** {@code sidecar domain bench}. */
  @Command(
      name = "bench",
      mixinStandardHelpOptions = true,
      description = {
        "Record-evaluations per second on one thread over the crm.lead records of the fixtures,",
        "and the time to parse a 10-leaf domain string."
      })
  static final class BenchDomainCommand implements Callable<Integer> {
    static final String DOMAIN =
        "['|', ('expected_revenue', '>', 10000), '&', ('priority', 'in', ['2','3']), ('tag_ids.name', 'ilike', 'o')]";
    static final String TEN_LEAVES =
        "['|', ('name', 'ilike', 'desk'), '&', ('expected_revenue', '>', 10000.0), ('priority', 'in', ['2', '3']),"
            + " ('stage_id.name', '=', 'Won'), ('tag_ids', 'in', [1, 2]), ('partner_id.country_id.code', '=', 'US'),"
            + " ('date_deadline', '<', '2026-12-31'), ('active', '=', True), ('user_id', '!=', False),"
            + " ('email_from', '=like', '%@example.com'), ('probability', '>=', 50)]";

    @ParentCommand DomainCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = "--fixtures",
        required = true,
        paramLabel = "DIR",
        description = "Folder with fields_get.json and records.json.")
    Path fixtures;

    @Option(
        names = "--seconds",
        defaultValue = "5",
        description = "How long each measurement runs.")
    int seconds;

    @Override
    public Integer call() {
      parent.root.quietLogs();
      Conformance data = Conformance.load(fixtures);
      PrintWriter out = spec.commandLine().getOut();
      Domain domain = Domain.parse(DOMAIN);
      var records = data.store().all("crm.lead");
      DomainEngine.Compiled compiled = data.engine().compile("crm.lead", domain);
      long evaluations = 0;
      long matches = 0;
      long deadline = System.nanoTime() + seconds * 1_000_000_000L / 2;
      while (System.nanoTime() < deadline) { // warm-up
        for (Map<String, Object> r : records) {
          matches += compiled.test(r) ? 1 : 0;
        }
      }
      long start = System.nanoTime();
      deadline = start + seconds * 1_000_000_000L;
      while (System.nanoTime() < deadline) {
        for (Map<String, Object> r : records) {
          matches += compiled.test(r) ? 1 : 0;
        }
        evaluations += records.size();
      }
      double perSecond = evaluations / ((System.nanoTime() - start) / 1e9);
      out.printf(
          Locale.ROOT,
          "domain: %s%nrecords: %d crm.lead, matching: %d%n",
          DOMAIN,
          records.size(),
          compiled.count(records));
      out.printf(Locale.ROOT, "evaluations per second (one thread): %,.0f%n", perSecond);
      long parses = 0;
      start = System.nanoTime();
      deadline = start + seconds * 1_000_000_000L / 2;
      while (System.nanoTime() < deadline) {
        parses += Domain.parse(TEN_LEAVES).tokens().size() > 0 ? 1 : 0;
      }
      out.printf(
          Locale.ROOT,
          "parse of a 10-leaf domain string: %.2f us%n",
          (System.nanoTime() - start) / 1e3 / parses);
      out.println(
          "("
              + matches
              + " matches counted while measuring; "
              + PyLiteral.repr(seconds)
              + " s per figure)");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
