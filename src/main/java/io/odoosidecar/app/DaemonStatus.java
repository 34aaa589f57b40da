package io.odoosidecar.app;

import io.odoosidecar.rule.RuleRegistry;
import io.odoosidecar.schedule.ScheduleStatus;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.Status;
import io.odoosidecar.store.EventLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the running daemon shows of itself: the status {@code /health} answers (with this instance:
 * its id, whether it leads, the instances alive), and whether it is ready ({@code /health/ready}:
 * the store open, the rules loaded, at least one Odoo connection up).
 */
final class DaemonStatus {
  private final Supplier<Daemon.State> state;
  private final SidecarWiring wiring;
  private final Supplier<List<ScheduleStatus>> schedules;
  private final Supplier<Leadership> leadership;

  /**
   * @param leadership this instance among those sharing the event log; null until known
   */
  DaemonStatus(
      Supplier<Daemon.State> state,
      SidecarWiring wiring,
      Supplier<List<ScheduleStatus>> schedules,
      Supplier<Leadership> leadership) {
    this.state = state;
    this.wiring = wiring;
    this.schedules = schedules;
    this.leadership = leadership;
  }

  /** The daemon's state in lower case ({@code running}, ...). */
  String state() {
    return state.get().name().toLowerCase(Locale.ROOT);
  }

  /** The status {@code /health} answers. */
  Status status() {
    EventLog.Health store = wiring.log.health();
    boolean running = state.get() == Daemon.State.RUNNING;
    boolean healthy = running && store.usable() && wiring.connections.allConnected();
    return new Status(
        state(),
        healthy,
        connections(),
        rules(),
        running ? events(store) : Map.of(),
        running ? schedules() : List.of(),
        instance());
  }

  /** This instance: its id, whether it leads, and the instances alive (id, URL, last beat). */
  Map<String, Object> instance() {
    Leadership current = leadership.get();
    if (current == null) {
      return Map.of();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", current.id());
    out.put("leader", current.leading());
    List<Map<String, Object>> members = new ArrayList<>();
    for (Leadership.Member member : current.members()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", member.id());
      m.put("url", member.url());
      m.put("leader", member.leader());
      m.put("heartbeat_at", String.valueOf(member.heartbeatAt()));
      members.add(m);
    }
    out.put("instances", members);
    return out;
  }

  /** Ready when running, with the store open, the rules loaded and one Odoo connection up. */
  HttpServer.Readiness readiness() {
    if (state.get() != Daemon.State.RUNNING) {
      return new HttpServer.Readiness(false, "the sidecar is " + state());
    }
    EventLog.Health store = wiring.log.health();
    if (!store.usable()) {
      return new HttpServer.Readiness(false, store.reason());
    }
    String rules = rulesProblem();
    if (rules != null) {
      return new HttpServer.Readiness(false, rules);
    }
    if (!wiring.connections.anyConnected()) {
      return new HttpServer.Readiness(false, "no Odoo connection is up: " + whyNotConnected());
    }
    return HttpServer.Readiness.READY;
  }

  /**
   * Why the rules are not loaded, or null when they are: the rule files are loaded when the daemon
   * starts; the rules a connected database runs in the sidecar once they were looked for.
   */
  private String rulesProblem() {
    for (OdooConnections.View view : wiring.connections.views()) {
      if ("connected".equals(view.state()) && !wiring.offloaded.triedFrom(view.database())) {
        return "the rules run in the sidecar for " + view.database() + " are not imported yet";
      }
    }
    return null;
  }

  private String whyNotConnected() {
    List<String> reasons = new ArrayList<>();
    for (OdooConnections.View view : wiring.connections.views()) {
      reasons.add(
          view.name()
              + " "
              + view.state()
              + (view.lastError().isEmpty() ? "" : " (" + view.lastError() + ")"));
    }
    return String.join(", ", reasons);
  }

  private Map<String, Map<String, Object>> connections() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (OdooConnections.View view : wiring.connections.views()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("state", view.state());
      c.put("version", view.version());
      c.put("transport", view.transport());
      c.put("uid", view.uid());
      c.put("last_error", view.lastError());
      c.put("since", String.valueOf(view.since()));
      out.put(view.name(), c);
    }
    return out;
  }

  private Map<String, Object> rules() {
    Map<String, Object> out = new LinkedHashMap<>();
    if (wiring.rules != null) {
      RuleRegistry.Snapshot snapshot = wiring.rules.snapshot();
      out.put("count", snapshot.rules().size());
      out.put("last_error", snapshot.lastError());
      out.put("warning", snapshot.warning());
      // a hook's uuid is its capability: counted here, never listed
      out.put(
          "webhooks",
          snapshot.rules().stream()
              .filter(r -> r.trigger() == io.odoosidecar.rule.Trigger.ON_WEBHOOK)
              .count());
    }
    return out;
  }

  private Map<String, Object> events(EventLog.Health store) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("store", store(store));
    try {
      if (store.usable()) {
        out.put("by_status", wiring.log.counts());
      }
    } catch (RuntimeException e) {
      out.put("error", e.getMessage());
    }
    out.put("processed", wiring.pipeline.processed());
    out.put("push", wiring.config.push().secret().isPresent() ? "on" : "off");
    out.put("poll", wiring.polling.status());
    return out;
  }

  /** Each schedule and timed rule, as {@code /health} shows it. */
  private List<Map<String, Object>> schedules() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ScheduleStatus s : schedules.get()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("kind", s.kind());
      entry.put("name", s.name());
      entry.put("database", s.database());
      entry.put("next_fire", s.nextFire() == null ? null : s.nextFire().toString());
      entry.put("last_run", s.lastRun() == null ? null : s.lastRun().toString());
      entry.put("last_result", s.lastResult());
      entry.put("pending", s.pending());
      entry.put("running", s.running());
      out.add(entry);
    }
    return out;
  }

  private static Map<String, Object> store(EventLog.Health store) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("state", store.state().name().toLowerCase(Locale.ROOT));
    if (!store.usable()) {
      out.put("reason", store.reason());
      out.put("since", String.valueOf(store.since()));
    }
    return out;
  }
}
