package io.odoosidecar.pipeline;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sidecar's own recent writes, so that the poller, which cannot see the RPC context of a
 * change, can tell a change the sidecar made and carry its chain of rules (the loop guard) instead
 * of taking it for a user's change. Entries expire after a while.
 */
public final class Echoes implements Processor.EffectListener {
  /** The chain of rules and depth of a write the sidecar made. */
  public record Echo(List<String> chain, int depth, Instant at) {}

  private final Map<String, Echo> recent = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;

  public Echoes(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  @Override
  public void wrote(
      String database, String model, Collection<Long> ids, List<String> chain, int depth) {
    Instant now = clock.instant();
    for (Long id : ids) {
      recent.put(key(database, model, id), new Echo(List.copyOf(chain), depth, now));
    }
    if (recent.size() > 100_000) {
      recent.values().removeIf(e -> e.at().plus(ttl).isBefore(now));
    }
  }

  /** The sidecar's write of this record still unclaimed, if one is recent; it is forgotten. */
  public Echo take(String database, String model, long id) {
    Echo echo = recent.remove(key(database, model, id));
    return echo == null || echo.at().plus(ttl).isBefore(clock.instant()) ? null : echo;
  }

  private static String key(String database, String model, long id) {
    return database + '\u0000' + model + '\u0000' + id;
  }
}
