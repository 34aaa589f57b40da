package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig;
import io.odoosidecar.odoo.OdooSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code odoo} section: the connections and the name of the default one. */
final class OdooSection {
  static final String KEY = "odoo";

  /** The connections by name, in file order, and the one used when none is named. */
  record Connections(Map<String, OdooSettings> byName, String defaultName) {}

  private OdooSection() {}

  static Connections read(ConfigNode root, Map<String, String> env) {
    ConfigNode odoo = root.child(KEY);
    odoo.allowOnlyCatalogued();
    ConfigNode list = odoo.child("connections");
    List<String> names = list.keys();
    String defaultName =
        odoo.string("default").orElse(names.isEmpty() ? SidecarConfig.DEFAULT_NAME : names.get(0));
    Map<String, OdooSettings> byName = new LinkedHashMap<>();
    for (String name : names.isEmpty() ? List.of(defaultName) : names) {
      byName.put(
          name, ConnectionSection.read(list.named(name), name, name.equals(defaultName), env));
    }
    if (!byName.containsKey(defaultName)) {
      throw odoo.error("default", "names no connection of odoo.connections: '" + defaultName + "'");
    }
    return new Connections(byName, defaultName);
  }
}
