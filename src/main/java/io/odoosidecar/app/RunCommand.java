package io.odoosidecar.app;

import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.RuleRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code sidecar run}: the daemon. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the sidecar: load the rules (reloading them when their files change), connect to",
      "every configured Odoo (retrying with backoff while one is unreachable) and serve",
      "GET /health on server.host:server.port. Stops on SIGTERM or Ctrl-C."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @ParentCommand SidecarCommand root;

  @Option(
      names = "--rules",
      paramLabel = "DIR",
      description = "The rule files (default: config/rules when it exists). Reloaded on change.")
  Path rulesDirectory;

  @Override
  public Integer call() throws InterruptedException {
    Main.logLevel(root.verbose ? "DEBUG" : "INFO");
    SidecarConfig config = root.loadConfig();
    io.odoosidecar.metrics.Logging.configure(config.logging().format());
    Path directory = rulesDirectory != null ? rulesDirectory : Path.of("config/rules");
    RuleRegistry rules =
        rulesDirectory != null || Files.isDirectory(directory)
            ? new RuleRegistry(directory, Duration.ofMillis(300))
            : null;
    Daemon daemon = new Daemon(config, Clock.systemUTC(), RetryPolicy.Sleeper.system(), rules);
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
    daemon.start();
    LOG.info(
        "sidecar listening on http://{}:{}/health, configuration {}, rules {}",
        config.server().host(),
        daemon.port(),
        config.file(),
        rules == null ? "(none)" : directory);
    daemon.awaitStop();
    return ExitCodes.OK;
  }
}
