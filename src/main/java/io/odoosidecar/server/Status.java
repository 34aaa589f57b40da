package io.odoosidecar.server;

import java.util.Map;

/**
 * The sidecar's health as {@code /health} reports it.
 *
 * @param state the daemon's lifecycle state
 * @param healthy whether it runs and every Odoo connection is up
 * @param connections what is known of each Odoo connection
 * @param rules the rules in force: their count and the last reload's problem
 * @param events the event log: events by status, push and poll activity
 * @param schedules each schedule and timed rule: next fire time, last run, result
 * @param instance this instance among those sharing the event log: its id, whether it leads, the
 *     instances alive; empty when not known
 */
public record Status(
    String state,
    boolean healthy,
    Map<String, Map<String, Object>> connections,
    Map<String, Object> rules,
    Map<String, Object> events,
    java.util.List<Map<String, Object>> schedules,
    Map<String, Object> instance) {

  /** A status without the instance. */
  public Status(
      String state,
      boolean healthy,
      Map<String, Map<String, Object>> connections,
      Map<String, Object> rules,
      Map<String, Object> events,
      java.util.List<Map<String, Object>> schedules) {
    this(state, healthy, connections, rules, events, schedules, Map.of());
  }

  /** A status without schedules. */
  public Status(
      String state,
      boolean healthy,
      Map<String, Map<String, Object>> connections,
      Map<String, Object> rules,
      Map<String, Object> events) {
    this(state, healthy, connections, rules, events, java.util.List.of());
  }
}
