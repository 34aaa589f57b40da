package io.odoosidecar.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleCheck;
import io.odoosidecar.rule.RuleFiles;
import io.odoosidecar.rule.RuleImport;
import io.odoosidecar.rule.RuleReplay;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sidecar rules ...}: automation rules. */
@Command(
    name = "rules",
    mixinStandardHelpOptions = true,
    description = "Automation rules.",
    subcommands = {
      RulesCommand.CheckCommand.class,
      RulesCommand.ImportCommand.class,
      RulesCommand.ReplayCommand.class
    })
final class RulesCommand {
  @ParentCommand SidecarCommand root;

  /** {@code sidecar rules check}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Validate every rule file against the configured Odoo's fields_get: unknown model, field,",
        "selection value, domain error, missing template or external id. Prints each problem with",
        "file, rule and key; exits non-zero on any."
      })
  static final class CheckCommand implements Callable<Integer> {
    @ParentCommand RulesCommand parent;
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Option(
        names = "--rules",
        paramLabel = "DIR",
        defaultValue = "config/rules",
        description = "The rules directory (default: config/rules).")
    Path rules;

    @Override
    public Integer call() throws IOException {
      parent.root.quietLogs();
      PrintWriter out = spec.commandLine().getOut();
      Map<Path, List<Rule>> bySource = RuleFiles.loadBySource(rules); // validated as a whole
      try (OdooClient client = OdooClients.create(connection.settings(parent.root.loadConfig()))) {
        return CheckReport.print(out, bySource, new RuleCheck(client)::check, "rules");
      }
    }
  }

  /** {@code sidecar rules import}. */
  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Read base.automation and ir.actions.server from the configured Odoo and write the",
        "equivalent rule file (stdout, or --output FILE). A rule with an action kind the sidecar",
        "does not run is written commented out, and named on stderr."
      })
  static final class ImportCommand implements Callable<Integer> {
    @ParentCommand RulesCommand parent;
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Option(
        names = "--output",
        paramLabel = "FILE",
        description = "Write the rule file here instead of stdout.")
    Path output;

    @Override
    public Integer call() throws IOException {
      parent.root.quietLogs();
      String yaml;
      try (OdooClient client = OdooClients.create(connection.settings(parent.root.loadConfig()))) {
        RuleImport.RuleFile file = new RuleImport(client).file();
        yaml = file.yaml();
        PrintWriter err = spec.commandLine().getErr();
        file.leftOut().forEach(why -> err.println("left out (written commented out): " + why));
        err.flush();
      }
      if (output == null) {
        spec.commandLine().getOut().print(yaml);
        spec.commandLine().getOut().flush();
      } else {
        Files.writeString(output, yaml);
        RuleFiles.loadFile(output); // what was written must load back
      }
      return ExitCodes.OK;
    }
  }

  /** {@code sidecar rules replay}. */
  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Feed operations recorded from Odoo (rule_firings.jsonl format) through the rule matcher",
        "and compare the (rule, record) pairs fired, chained firings included, with Odoo's.",
        "Prints one line per operation that differs, then `N passed, M failed`; exits 0 only",
        "when all pass. Which fields Odoo computes (and so writes by itself after a create) comes",
        "from field metadata: DIR/fields_get.json, --fields files, or --odoo-fields."
      })
  static final class ReplayCommand implements Callable<Integer> {
    @ParentCommand RulesCommand parent;
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Option(
        names = "--fixtures",
        required = true,
        paramLabel = "DIR",
        description = "Folder with rule_firings.jsonl (and fields_get.json).")
    Path fixtures;

    @Option(
        names = "--corpus",
        paramLabel = "FILE",
        description = "The corpus (default: DIR/rule_firings.jsonl).")
    Path corpus;

    @Option(
        names = "--fields",
        paramLabel = "FILE",
        description = "More fields_get metadata, {model: {field: attributes}}.")
    List<Path> fieldFiles = new ArrayList<>();

    @Option(
        names = "--odoo-fields",
        paramLabel = "MODEL",
        split = ",",
        description = "Models whose fields_get to ask the configured Odoo for.")
    List<String> odooModels = new ArrayList<>();

    @Override
    public Integer call() {
      parent.root.quietLogs();
      Map<String, Map<String, FieldInfo>> known = new HashMap<>();
      Path base = fixtures.resolve("fields_get.json");
      if (Files.exists(base)) {
        known.putAll(read(base));
      }
      fieldFiles.forEach(file -> known.putAll(read(file)));
      if (!odooModels.isEmpty()) {
        try (OdooClient client =
            OdooClients.create(connection.settings(parent.root.loadConfig()))) {
          odooModels.forEach(model -> known.put(model, client.fieldsGet(model)));
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      RuleReplay.Result result =
          new RuleReplay(known)
              .run(
                  corpus == null ? fixtures.resolve("rule_firings.jsonl") : corpus,
                  line -> {
                    out.println(line);
                    out.flush();
                  });
      out.println(result.passed() + " passed, " + result.failed() + " failed");
      out.flush();
      return result.failed() == 0 ? ExitCodes.OK : ExitCodes.ODOO_ERROR;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, FieldInfo>> read(Path file) {
      try {
        Map<String, Object> raw =
            JsonMapper.builder()
                .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                .build()
                .readValue(Files.readString(file), Map.class);
        return FieldInfo.byModel(raw);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read field metadata " + file + ": " + e.getMessage(), e);
      }
    }
  }
}
