package io.odoosidecar.app;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code sidecar} command: its options are shared by every subcommand. */
@Command(
    name = "sidecar",
    mixinStandardHelpOptions = true,
    versionProvider = SidecarCommand.Version.class,
    description = "Runs Odoo automation beside an Odoo server.",
    subcommands = {
      RunCommand.class,
      OdooCommand.class,
      DomainCommand.class,
      RulesCommand.class,
      DeadLettersCommand.class,
      SyncCommand.class,
      SchedulesCommand.class,
      ConfigCommand.class,
      BenchCommand.class
    })
public final class SidecarCommand {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      scope = ScopeType.INHERIT,
      description =
          "The configuration file (default: $SIDECAR_CONFIG, else config/sidecar.yaml). Environment"
              + " variables ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD, ODOO_API_KEY override the"
              + " default connection.")
  Path config;

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Log every Odoo call (without secrets) on stderr.")
  boolean verbose;

  /** The environment the configuration reads (the process's, or a test's). */
  java.util.Map<String, String> environment = System.getenv();

  /** How a command reaches Odoo (a test gives its double). */
  java.util.function.Function<io.odoosidecar.odoo.OdooSettings, io.odoosidecar.odoo.OdooClient>
      odoo = io.odoosidecar.odoo.OdooClients::create;

  /** The configuration, read from the file and the environment. */
  SidecarConfig loadConfig() {
    return SidecarConfig.load(configPath(), environment);
  }

  Path configPath() {
    if (config != null) {
      if (!Files.exists(config)) {
        throw new ConfigException(config, "", "no such file");
      }
      return config;
    }
    String fromEnv = environment.get("SIDECAR_CONFIG");
    return Path.of(fromEnv != null && !fromEnv.isBlank() ? fromEnv : "config/sidecar.yaml");
  }

  /** Quiet by default for one-shot commands, whose stdout is their result. */
  void quietLogs() {
    Main.logLevel(verbose ? "DEBUG" : "WARN");
  }

  /** The version from the jar's manifest. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = SidecarCommand.class.getPackage().getImplementationVersion();
      return new String[] {"odoo-sidecar " + (version == null ? "(development build)" : version)};
    }
  }
}
