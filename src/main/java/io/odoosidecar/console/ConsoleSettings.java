package io.odoosidecar.console;

import io.odoosidecar.odoo.Secret;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the console is reached and guarded.
 *
 * @param bindHost the host the sidecar's server listens on ({@code server.host}): requests need no
 *     login only when it is a loopback host, the peer is on loopback too and the request's {@code
 *     Host} names loopback ({@link ConsoleAccess})
 * @param group the Odoo group whose users may log in ({@code console.group}), as an xml id
 * @param sessionTimeout how long a login lasts ({@code console.session-timeout})
 * @param loginThrottle how many wrong logins (per login, per address) are answered at once; past
 *     it, each is answered only after an exponential delay ({@code console.login-throttle})
 * @param secrets every configured secret (Odoo passwords and API keys, the push secret, the sync
 *     configs' credentials): masked wherever one would appear in a page
 */
public record ConsoleSettings(
    String bindHost,
    String group,
    Duration sessionTimeout,
    int loginThrottle,
    List<Secret> secrets) {

  /** The default group: Odoo's administrators. */
  public static final String DEFAULT_GROUP = "base.group_system";

  public ConsoleSettings {
    Objects.requireNonNull(bindHost, "bindHost");
    Objects.requireNonNull(group, "group");
    if (!group.matches("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+")) {
      throw new IllegalArgumentException(
          "console.group must be an xml id such as base.group_system, not '" + group + "'");
    }
    if (sessionTimeout.isNegative() || sessionTimeout.isZero()) {
      throw new IllegalArgumentException("console.session-timeout must be positive");
    }
    if (loginThrottle < 1) {
      throw new IllegalArgumentException("console.login-throttle must be at least 1");
    }
    secrets = List.copyOf(secrets);
  }

  /** The defaults ({@code base.group_system}, 8 h, 5 failures) for a server bound to a host. */
  public static ConsoleSettings defaults(String bindHost, List<Secret> secrets) {
    return new ConsoleSettings(bindHost, DEFAULT_GROUP, Duration.ofHours(8), 5, secrets);
  }
}
