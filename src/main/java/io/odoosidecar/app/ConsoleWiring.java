package io.odoosidecar.app;

import io.odoosidecar.console.Authenticator;
import io.odoosidecar.console.ConsoleHandler;
import io.odoosidecar.console.ConsoleSettings;
import io.odoosidecar.console.LoginThrottle;
import io.odoosidecar.console.OdooAuthenticator;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.server.HttpService;
import io.odoosidecar.server.Routes;
import io.odoosidecar.server.RpcModels;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The web console at {@code /} and its users: logins checked against the default connection's Odoo
 * (its group {@code console.group}), the same users let in to the sidecar's own RPC models.
 */
final class ConsoleWiring implements HttpService {
  private final SidecarConfig config;
  private final ConsoleHandler handler;
  private final ConsoleRpcUsers users;

  ConsoleWiring(
      SidecarConfig config,
      DaemonConsole backend,
      Function<OdooSettings, OdooClient> clients,
      List<Secret> syncSecrets,
      Clock clock) {
    this.config = config;
    SidecarConfig.ConsoleConfig console = config.console();
    Authenticator authenticator =
        new OdooAuthenticator(config.connection(null), console.group(), clients);
    ConsoleSettings settings =
        new ConsoleSettings(
            config.server().host(),
            console.group(),
            console.sessionTimeout(),
            console.loginAttempts(),
            secrets(config, syncSecrets));
    this.handler = new ConsoleHandler(backend, authenticator, settings, clock);
    java.util.Set<String> databases = new java.util.HashSet<>();
    config.connections().values().forEach(c -> databases.add(c.database()));
    this.users =
        new ConsoleRpcUsers(
            authenticator,
            new LoginThrottle(console.loginAttempts(), clock),
            databases,
            console.sessionTimeout(),
            clock);
  }

  /** Every configured secret, for the pages to mask wherever one would appear. */
  static List<Secret> secrets(SidecarConfig config, List<Secret> syncSecrets) {
    List<Secret> out = new ArrayList<>(syncSecrets);
    for (OdooSettings c : config.connections().values()) {
      c.password().ifPresent(out::add);
      c.apiKey().ifPresent(out::add);
    }
    config.push().secret().ifPresent(out::add);
    config.eventLog().password().ifPresent(out::add);
    return out;
  }

  /** The console's users, for the RPC models. */
  RpcModels.Users users() {
    return config.console().enabled() ? users : RpcModels.Users.NONE;
  }

  @Override
  public void mount(Routes routes) {
    if (config.console().enabled()) {
      routes.prefix("/", handler);
    }
  }
}
