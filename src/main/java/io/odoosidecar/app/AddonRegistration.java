package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.Redaction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the companion addon, when the database has it, where to push, with which secret, and what
 * the rules need to see (system parameters {@code sidecar_bridge.url}, {@code .secret}, {@code
 * .watch}, {@code .max_records}, {@code .max_events}); done at connection and again whenever what
 * it would say changes. A database without the addon is left alone (the poller covers it).
 *
 * <p>The URL given is a comma-separated list when several instances share the event log: those
 * alive, the leader's (which registers) first; the addon delivers to the first that answers.
 */
final class AddonRegistration {
  private static final Logger LOG = LoggerFactory.getLogger(AddonRegistration.class);
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  private final SidecarConfig.PushConfig push;
  private final Supplier<Map<String, Object>> watchList;
  private final Supplier<List<String>> urls;
  private final Map<String, String> registered = new ConcurrentHashMap<>();

  /**
   * @param urls the sidecars' public URLs to give, this one's first
   */
  AddonRegistration(
      SidecarConfig.PushConfig push,
      Supplier<Map<String, Object>> watchList,
      Supplier<List<String>> urls) {
    this.push = push;
    this.watchList = watchList;
    this.urls = urls;
  }

  /** Forgets what was registered: the next {@link #register} writes it again (a new leader). */
  void forget() {
    registered.clear();
  }

  /** Registers with the database's addon, unless nothing changed since the last time. */
  void register(OdooSettings settings, OdooClient client) {
    String url = String.join(",", urls.get());
    if (push.secret().isEmpty() || url.isEmpty()) {
      return;
    }
    try {
      if (!installed(client)) {
        LOG.info(
            "connection '{}': the sidecar_bridge addon is not installed; not registering",
            settings.name());
        return;
      }
      String watch = JSON.writeValueAsString(watchList.get());
      String state =
          String.join(
              "\u0000",
              url,
              watch,
              Integer.toString(push.maxRecords()),
              Integer.toString(push.maxEvents()));
      if (state.equals(registered.get(settings.name()))) {
        return;
      }
      setParam(client, "sidecar_bridge.url", url);
      setParam(client, "sidecar_bridge.secret", push.secret().get().reveal());
      setParam(client, "sidecar_bridge.watch", watch);
      setParam(client, "sidecar_bridge.max_records", Integer.toString(push.maxRecords()));
      setParam(client, "sidecar_bridge.max_events", Integer.toString(push.maxEvents()));
      registered.put(settings.name(), state);
      resumeDelivery(settings, client);
      LOG.info(
          "connection '{}': registered with the sidecar_bridge addon at {}",
          settings.name(),
          Redaction.text(url));
    } catch (OdooException | com.fasterxml.jackson.core.JsonProcessingException e) {
      LOG.warn(
          "connection '{}': cannot register with the addon: {}",
          settings.name(),
          Redaction.text(e.getMessage()));
    }
  }

  private static boolean installed(OdooClient client) {
    return client.searchCount(
            "ir.module.module",
            List.of(List.of("name", "=", "sidecar_bridge"), List.of("state", "=", "installed")))
        > 0;
  }

  /**
   * Asks the addon to deliver at once what waits in a backoff from the sidecar's absence ({@code
   * sidecar.outbox.action_resume}), rather than at the end of each row's backoff. An addon from
   * before that method answers with a fault: its rows then come at their backoff's end.
   */
  private static void resumeDelivery(OdooSettings settings, OdooClient client) {
    try {
      Object resumed = client.executeKw("sidecar.outbox", "action_resume", List.of(), Map.of());
      LOG.info(
          "connection '{}': {} outbox rows in a backoff are due now", settings.name(), resumed);
    } catch (io.odoosidecar.odoo.OdooFaultException e) {
      LOG.debug(
          "connection '{}': the addon cannot resume delivery: {}", settings.name(), e.getMessage());
    } catch (OdooException e) {
      LOG.warn(
          "connection '{}': cannot ask the addon to resume delivery: {}",
          settings.name(),
          Redaction.text(e.getMessage()));
    }
  }

  /** Named arguments: JSON-2 (Odoo 19) takes no positional ones. */
  private static void setParam(OdooClient client, String key, String value) {
    client.executeKw(
        "ir.config_parameter", "set_param", List.of(), Map.of("key", key, "value", value));
  }
}
