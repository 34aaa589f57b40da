package io.odoosidecar.app;

import io.odoosidecar.odoo.RetryPolicy;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code sidecar run}: the daemon. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the sidecar: connect to every configured Odoo (retrying with backoff while one is",
      "unreachable) and serve GET /health on server.host:server.port. Stops on SIGTERM or Ctrl-C."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @ParentCommand SidecarCommand root;

  @Override
  public Integer call() throws InterruptedException {
    Main.logLevel(root.verbose ? "DEBUG" : "INFO");
    SidecarConfig config = root.loadConfig();
    Daemon daemon = new Daemon(config, Clock.systemUTC(), RetryPolicy.Sleeper.system());
    Runtime.getRuntime().addShutdownHook(new Thread(daemon::close, "shutdown"));
    daemon.start();
    LOG.info(
        "sidecar listening on http://{}:{}/health, configuration {}",
        config.server().host(),
        daemon.port(),
        config.file());
    daemon.awaitStop();
    return ExitCodes.OK;
  }
}
