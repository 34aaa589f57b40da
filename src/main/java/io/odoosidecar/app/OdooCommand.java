package io.odoosidecar.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooFaultException;
import io.odoosidecar.odoo.ServerVersion;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sidecar odoo ...}: talk to the configured Odoo directly. */
@Command(
    name = "odoo",
    mixinStandardHelpOptions = true,
    description = "Talk to the configured Odoo server.",
    subcommands = {OdooCommand.VersionCommand.class, OdooCommand.CallCommand.class})
final class OdooCommand {
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  @ParentCommand SidecarCommand root;

  OdooClient client(ConnectionOptions options) {
    root.quietLogs();
    return OdooClients.create(options.settings(root.loadConfig()));
  }

  /** {@code sidecar odoo version}. */
  @Command(
      name = "version",
      mixinStandardHelpOptions = true,
      description = "Print the server's version and the transport chosen for it.")
  static final class VersionCommand implements Callable<Integer> {
    @ParentCommand OdooCommand parent;
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (OdooClient client = parent.client(connection)) {
        ServerVersion version = client.version();
        PrintWriter out = spec.commandLine().getOut();
        out.println("server_version: " + version.serverVersion());
        out.println("serie: " + version.serie());
        out.println("transport: " + client.transport().configName());
        out.flush();
        return ExitCodes.OK;
      }
    }
  }

  /** {@code sidecar odoo call MODEL METHOD ARGS_JSON [KWARGS_JSON]}. */
  @Command(
      name = "call",
      mixinStandardHelpOptions = true,
      description = {
        "Run execute_kw and print its result as JSON.",
        "Example: sidecar odoo call res.partner search_count '[[]]'"
      },
      exitCodeListHeading = "Exit codes:%n",
      exitCodeList = {
        "0:the result is printed on stdout",
        "1:Odoo raised an error (its class and message on stderr)",
        "2:bad arguments or configuration",
        "3:Odoo could not be reached",
        "4:Odoo refused the credentials"
      })
  static final class CallCommand implements Callable<Integer> {
    @ParentCommand OdooCommand parent;
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model, e.g. res.partner.")
    String model;

    @Parameters(index = "1", paramLabel = "METHOD", description = "The method, e.g. search_read.")
    String method;

    @Parameters(
        index = "2",
        paramLabel = "ARGS_JSON",
        description =
            "The positional arguments, a JSON array, e.g. '[[[\"is_company\", \"=\", true]]]'.")
    String args;

    @Parameters(
        index = "3",
        arity = "0..1",
        paramLabel = "KWARGS_JSON",
        description =
            "The keyword arguments, a JSON object, e.g. '{\"fields\": [\"name\"], \"limit\": 5}'.")
    String kwargs;

    @ArgGroup(exclusive = false)
    Output output = new Output();

    static final class Output {
      @Option(
          names = "--traceback",
          description = "On an Odoo error, print the server traceback too.")
      boolean traceback;
    }

    @Override
    public Integer call() {
      List<?> positional = parse(args, List.class, "ARGS_JSON must be a JSON array");
      Map<?, ?> named =
          kwargs == null ? Map.of() : parse(kwargs, Map.class, "KWARGS_JSON must be a JSON object");
      @SuppressWarnings("unchecked")
      Map<String, ?> namedArgs = (Map<String, ?>) named;
      try (OdooClient client = parent.client(connection)) {
        Object result = client.executeKw(model, method, positional, namedArgs);
        PrintWriter out = spec.commandLine().getOut();
        out.println(JSON.writeValueAsString(result));
        out.flush();
        return ExitCodes.OK;
      } catch (OdooFaultException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(e.exceptionClass() + ": " + e.odooMessage());
        if (output.traceback && !e.traceback().isEmpty()) {
          err.println(e.traceback());
        }
        err.flush();
        return ExitCodes.of(e);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(
            "cannot print the result as JSON: " + e.getOriginalMessage(), e);
      }
    }

    private static <T> T parse(String text, Class<T> type, String problem) {
      try {
        Object value = JSON.readValue(text, Object.class);
        if (!type.isInstance(value)) {
          throw new IllegalArgumentException(problem + ", got: " + text);
        }
        return type.cast(value);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(problem + ": " + e.getOriginalMessage(), e);
      }
    }
  }
}
