package io.odoosidecar.app;

import io.odoosidecar.store.Instances;
import io.odoosidecar.store.Leases;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the instances sharing a PostgreSQL event log leads: the one holding the {@code leader}
 * lease, renewed at each {@link #beat} (every third of the lease). The leader alone registers with
 * the addon (the URLs of the instances alive, its own first), runs the poller and the purges of the
 * event log and the run history; every instance keeps taking pushes and webhooks and running
 * events. When the leader dies another takes the lease once it ends; a leader that cannot renew
 * (the database away) steps down at once, and one whose beats stall steps down two thirds of a
 * lease after its last renewal, before the lease ends for the others.
 *
 * <p>On the embedded H2 store there is one instance: it always leads, and is the only one alive.
 */
final class Leadership implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

  /** The lease's name. */
  static final String LEADER = "leader";

  /** An instance as {@code /health} and the console show it. */
  record Member(String id, String url, boolean leader, Instant heartbeatAt) {}

  private final String id;
  private final String url;
  private final Duration ttl;
  private final Clock clock;
  private final Instant startedAt;
  private final Leases leases;
  private final Instances instances;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Instant renewedAt;
  private volatile String leader;
  private volatile List<Instances.Instance> live = List.of();
  private volatile boolean closed;

  private Leadership(
      String id, String url, Duration ttl, Clock clock, Leases leases, Instances instances) {
    this.id = id;
    this.url = url;
    this.ttl = ttl;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.leases = leases;
    this.instances = instances;
  }

  /** The one instance of an embedded store: it leads. */
  static Leadership alone(String id, String url, Clock clock) {
    Leadership alone = new Leadership(id, url, Duration.ZERO, clock, null, null);
    alone.leader = id;
    alone.live = List.of(new Instances.Instance(id, url, alone.startedAt, alone.startedAt));
    return alone;
  }

  /** An instance among those sharing the stores' database, leading while it holds the lease. */
  static Leadership shared(
      String id, String url, Duration ttl, Clock clock, Leases leases, Instances instances) {
    return new Leadership(id, url, ttl, clock, leases, instances);
  }

  /**
   * Calls {@code listener} (on the beating thread) when this instance's leading or the URLs change.
   */
  Leadership onChange(Runnable listener) {
    listeners.add(listener);
    return this;
  }

  /** How often {@link #beat} is to be called: a third of the lease. */
  Duration beatEvery() {
    return ttl.isZero() ? Duration.ofSeconds(10) : ttl.dividedBy(3);
  }

  /**
   * Beats: this instance's heartbeat in the registry, the leader lease taken or renewed, the
   * instances alive read again. Any failure steps down.
   */
  synchronized void beat() {
    if (leases == null || closed) {
      return;
    }
    boolean was = leading();
    List<String> before = urls();
    Instant now = clock.instant();
    try {
      instances.beat(id, url, startedAt, now);
      if (leases.acquire(LEADER, id, now, ttl)) {
        renewedAt = now;
        leader = id;
      } else {
        renewedAt = null;
        leader = leases.holder(LEADER, now).orElse(null);
      }
      live = instances.live(now, ttl);
    } catch (RuntimeException e) {
      renewedAt = null;
      leader = null;
      if (was) {
        LOG.warn("{}: cannot renew the leader lease, stepping down: {}", id, e.getMessage());
      }
      throw e;
    } finally {
      told(was, before);
    }
  }

  private void told(boolean was, List<String> before) {
    boolean now = leading();
    if (now != was) {
      LOG.info(
          now ? "{} leads: it registers with the addon and polls" : "{} no longer leads{}",
          id,
          now ? "" : leader == null ? "" : ": " + leader + " does");
    }
    if (now != was || !urls().equals(before)) {
      for (Runnable listener : listeners) {
        try {
          listener.run();
        } catch (RuntimeException e) {
          LOG.warn("a change of leadership was not followed: {}", e.getMessage());
        }
      }
    }
  }

  /**
   * Whether this instance leads now: it holds the lease, renewed less than two thirds of a lease
   * ago (a stalled beat stops leading before the lease ends for the others).
   */
  boolean leading() {
    if (leases == null) {
      return true;
    }
    Instant renewed = renewedAt;
    return renewed != null
        && clock.instant().isBefore(renewed.plus(ttl.multipliedBy(2).dividedBy(3)));
  }

  /** This instance's id. */
  String id() {
    return id;
  }

  /**
   * The public URLs of the instances alive, this instance's first (the addon delivers to the first
   * that answers): what the leader registers.
   */
  List<String> urls() {
    Set<String> out = new LinkedHashSet<>();
    if (!url.isBlank()) {
      out.add(url);
    }
    for (Instances.Instance instance : live) {
      if (!instance.url().isBlank()) {
        out.add(instance.url());
      }
    }
    return List.copyOf(out);
  }

  /** The instances alive, oldest first, the leader marked. */
  List<Member> members() {
    List<Member> out = new ArrayList<>();
    String leading = leading() ? id : leader;
    for (Instances.Instance instance : live) {
      out.add(
          new Member(
              instance.id(),
              instance.url(),
              instance.id().equals(leading),
              instance.heartbeatAt()));
    }
    return out;
  }

  /** Gives the lease up (another instance leads at once) and leaves the registry; beats no more. */
  @Override
  public synchronized void close() {
    if (leases == null || closed) {
      return;
    }
    closed = true;
    boolean was = leading();
    renewedAt = null;
    try {
      if (was) {
        leases.release(LEADER, id);
      }
      instances.leave(id);
    } catch (RuntimeException e) {
      LOG.debug("{}: leaving the cluster: {}", id, e.getMessage());
    }
    leases.close();
    instances.close();
  }
}
