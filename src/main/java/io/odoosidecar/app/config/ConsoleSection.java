package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.ConsoleConfig;
import java.util.regex.Pattern;

/** The {@code console} section: the web console and who may sign in to it. */
final class ConsoleSection {
  static final String KEY = "console";

  /** An Odoo xml id: a module's name, a dot, a record's name. */
  private static final Pattern XML_ID = Pattern.compile("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+");

  private ConsoleSection() {}

  static ConsoleConfig read(ConfigNode root) {
    ConfigNode console = root.child(KEY);
    console.allowOnlyCatalogued();
    ConsoleConfig defaults = ConsoleConfig.DEFAULTS;
    return new ConsoleConfig(
        console.bool("enabled", defaults.enabled()),
        group(console, defaults.group()),
        console.positiveDuration("session-timeout", defaults.sessionTimeout()),
        console.integer("login-attempts", defaults.loginAttempts(), 1, 1000));
  }

  private static String group(ConfigNode console, String absent) {
    String group = console.string("group").orElse(absent);
    if (!XML_ID.matcher(group).matches()) {
      throw console.error(
          "group",
          "must be the xml id of an Odoo group (module.name, such as base.group_system), got '"
              + group
              + "'");
    }
    return group;
  }
}
