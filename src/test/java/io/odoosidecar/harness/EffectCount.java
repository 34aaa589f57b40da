package io.odoosidecar.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One kind of effect counted over the changes, one change per record: found (at least one),
 * duplicated (a second effect of its own: a second message, or a second distinct idempotency key),
 * redelivered (the same key received again, which the key makes harmless), lost (none), and the
 * largest lag from the change's commit to its first effect.
 *
 * @param duplicatedRecords the records with a duplicate, for the report's examples
 */
record EffectCount(
    String kind,
    int expected,
    int found,
    int duplicated,
    int redelivered,
    int lost,
    Duration largestLag,
    List<Long> duplicatedRecords,
    List<Long> lostRecords) {

  /**
   * Counts effects given, per record, the times of its distinct effects and how many deliveries
   * repeated one of them.
   *
   * @param distinct per record: the times of its distinct effects (messages, or keys' first
   *     arrival)
   * @param repeats per record: deliveries beyond the first of each key
   */
  static EffectCount of(
      String kind,
      List<Long> ids,
      Map<Long, Instant> written,
      Map<Long, List<Instant>> distinct,
      Map<Long, Integer> repeats) {
    int found = 0;
    int redelivered = 0;
    Duration lag = Duration.ZERO;
    List<Long> duplicated = new ArrayList<>();
    List<Long> lost = new ArrayList<>();
    for (Long id : ids) {
      List<Instant> times = distinct.getOrDefault(id, List.of());
      redelivered += repeats.getOrDefault(id, 0);
      if (times.isEmpty()) {
        lost.add(id);
        continue;
      }
      found++;
      if (times.size() > 1) {
        duplicated.add(id);
      }
      Instant first = times.stream().min(Instant::compareTo).orElseThrow();
      Instant change = written.get(id);
      if (change != null && Duration.between(change, first).compareTo(lag) > 0) {
        lag = Duration.between(change, first);
      }
    }
    return new EffectCount(
        kind,
        ids.size(),
        found,
        duplicated.size(),
        redelivered,
        lost.size(),
        lag,
        duplicated,
        lost);
  }

  /** The webhook requests: per record, each distinct key's first arrival, and the repeats. */
  static EffectCount webhooks(
      List<Long> ids, Map<Long, Instant> written, Map<Long, List<CountingServer.Hit>> hits) {
    Map<Long, List<Instant>> distinct = new java.util.HashMap<>();
    Map<Long, Integer> repeats = new java.util.HashMap<>();
    hits.forEach(
        (id, list) -> {
          Map<String, Instant> firstByKey = new java.util.LinkedHashMap<>();
          list.forEach(
              hit -> firstByKey.merge(hit.key(), hit.at(), (a, b) -> a.isBefore(b) ? a : b));
          distinct.put(id, new ArrayList<>(firstByKey.values()));
          repeats.put(id, list.size() - firstByKey.size());
        });
    return of("webhook request", ids, written, distinct, repeats);
  }
}
