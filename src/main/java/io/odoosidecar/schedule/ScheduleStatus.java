package io.odoosidecar.schedule;

import java.time.Instant;

/**
 * What {@code sidecar schedules list} and {@code /health} show of one schedule or timed rule.
 *
 * @param kind {@code schedule} (a rules file's), {@code cron} (an offloaded {@code ir.cron} job) or
 *     {@code timed} (a timed rule)
 * @param name the schedule's or rule's name
 * @param database the database it runs on
 * @param nextFire when it next fires; null when nothing is due (a timed rule with no record)
 * @param lastRun when it last ran; null when never
 * @param lastResult {@code ok}, {@code failed: <reason>}, or null when never run
 * @param pending the records a timed rule holds due times of (0 for schedules)
 * @param running whether a run is going on now
 */
public record ScheduleStatus(
    String kind,
    String name,
    String database,
    Instant nextFire,
    Instant lastRun,
    String lastResult,
    long pending,
    boolean running) {}
