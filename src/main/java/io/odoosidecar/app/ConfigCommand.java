package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.Redaction;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sidecar config}: show the effective configuration. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Check the configuration and print it, secrets masked.")
final class ConfigCommand implements Callable<Integer> {
  @ParentCommand SidecarCommand root;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    root.quietLogs();
    SidecarConfig config = root.loadConfig();
    PrintWriter out = spec.commandLine().getOut();
    out.println("file: " + config.file());
    out.println("data-dir: " + config.dataDir());
    out.println("server: " + config.server().host() + ":" + config.server().port());
    out.println(
        "event-log: "
            + config
                .eventLog()
                .url()
                .map(Redaction::text)
                .orElse("embedded H2 under " + config.dataDir())
            + (config.eventLog().password().isPresent() ? " (password set)" : ""));
    out.println(
        "instance: "
            + config.instance().id()
            + ", lease "
            + config.instance().lease()
            + (config.eventLog().url().isPresent()
                ? ""
                : " (alone on the embedded store: it leads)"));
    out.println(
        "push: "
            + (config.push().secret().isPresent()
                ? "on, auth " + config.push().auth().name().toLowerCase(java.util.Locale.ROOT)
                : "off (no secret)")
            + ", window "
            + config.push().window()
            + ", max "
            + config.push().maxEvents()
            + " events / "
            + config.push().maxBodyBytes()
            + " bytes"
            + config.push().publicUrl().map(u -> ", public url " + Redaction.text(u)).orElse(""));
    out.println(
        "pipeline: "
            + config.pipeline().workers()
            + " workers, batches of "
            + config.pipeline().batchSize()
            + ", max depth "
            + config.pipeline().maxDepth()
            + ", "
            + config.pipeline().retry());
    out.println(
        "poll: "
            + (config.poll().enabled() ? "on" : "off")
            + ", every "
            + config.poll().interval()
            + ", deletions every "
            + config.poll().deletionInterval()
            + ", models "
            + (config.poll().models().isEmpty() ? "(those of the rules)" : config.poll().models()));
    out.println(
        "python: statement limit "
            + config.python().statementLimit()
            + ", time-out "
            + config.python().timeout());
    out.println(
        "history: runs kept "
            + config.history().retention()
            + ", at most "
            + config.history().maxRuns());
    SidecarConfig.ConsoleConfig console = config.console();
    out.println(
        "console: "
            + (console.enabled()
                ? "on, group "
                    + console.group()
                    + ", sessions "
                    + console.sessionTimeout()
                    + ", throttled after "
                    + console.loginAttempts()
                    + " failed logins"
                : "off"));
    out.println(
        "logging: "
            + config.logging().format()
            + ", metrics: "
            + (config.metrics().enabled() ? "on (/metrics)" : "off"));
    out.println("odoo.default: " + config.defaultConnection());
    for (OdooSettings c : config.connections().values()) {
      out.println("odoo.connections." + c.name() + ":");
      out.println("  url: " + Redaction.url(c.url()));
      out.println("  database: " + c.database());
      out.println("  login: " + c.login());
      out.println("  password: " + (c.password().isPresent() ? "(set)" : "(none)"));
      out.println("  api-key: " + (c.apiKey().isPresent() ? "(set)" : "(none)"));
      out.println("  transport: " + c.transport().configName());
      out.println("  connect-timeout: " + c.connectTimeout());
      out.println("  request-timeout: " + c.requestTimeout());
      out.println("  tls-verify: " + c.tlsVerify());
      out.println("  retry: " + c.retry());
      out.println("  fields-cache-ttl: " + c.fieldsCacheTtl());
    }
    out.flush();
    return ExitCodes.OK;
  }
}
