package io.odoosidecar.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Entry point of the {@code sidecar} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /** The command line, reading its configuration with {@code environment}. */
  static CommandLine commandLine(java.util.Map<String, String> environment) {
    SidecarCommand root = new SidecarCommand();
    root.environment = environment;
    CommandLine cli = new CommandLine(root);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("error: " + e.getMessage());
          return ExitCodes.of(e);
        });
    return cli;
  }

  /** Sets the level of the sidecar's own loggers. */
  static void logLevel(String level) {
    Logger logger = (Logger) LoggerFactory.getLogger("io.odoosidecar");
    logger.setLevel(Level.toLevel(level, Level.INFO));
  }
}
