package io.odoosidecar.harness;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Waits, on a live Odoo, for the sidecar_bridge addon to be registered by a cluster: its URL names
 * one of the instances and its watch list holds the model; then for the addon's workers to read it
 * again (within 6 s).
 */
final class AddonWait {
  private AddonWait() {}

  static void registered(OdooClient odoo, List<String> urls, String model, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!registered(odoo, urls, model)) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "the addon was not registered by " + urls + " within " + timeout);
      }
      Thread.sleep(500);
    }
    Thread.sleep(6_000);
  }

  private static boolean registered(OdooClient odoo, List<String> urls, String model) {
    Map<String, String> values = new HashMap<>();
    for (OdooRecord row :
        odoo.searchRead(
            "ir.config_parameter",
            List.of(List.of("key", "in", List.of("sidecar_bridge.url", "sidecar_bridge.watch"))),
            List.of("key", "value"),
            SearchOptions.ALL)) {
      values.put(
          String.valueOf(row.values().get("key")), String.valueOf(row.values().get("value")));
    }
    String url = values.getOrDefault("sidecar_bridge.url", "");
    return urls.stream().anyMatch(url::contains)
        && values.getOrDefault("sidecar_bridge.watch", "").contains("\"" + model + "\"");
  }
}
