package io.odoosidecar.harness;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;

/**
 * What a chaos run does to the cluster while the changes are made, each at a point of their
 * progress: the kill -9s spread over it (at random points around evenly spaced marks; those left
 * when the changes are done follow during the drain), each instance restarted after a random pause;
 * and once each the counting endpoint down, PostgreSQL restarted and Odoo restarted. Every step is
 * logged with its time.
 */
final class Disruptions {
  /** One step done to the cluster's world, and when. */
  record Step(Instant at, String what) {}

  /** Something done once when the changes reach a point of their progress. */
  record OneTime(double at, String what, Action action) {}

  /** A disruption that may fail. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  private final Cluster cluster;
  private final ChaosSettings settings;
  private final DoubleSupplier progress;
  private final Random random;
  private final List<Step> steps = new CopyOnWriteArrayList<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private final java.util.Set<SidecarProcess> killed =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.atomic.AtomicInteger exits =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean supervising = true;

  /**
   * @param progress the share of the changes made, 0 to 1
   */
  Disruptions(Cluster cluster, ChaosSettings settings, DoubleSupplier progress) {
    this.cluster = cluster;
    this.settings = settings;
    this.progress = progress;
    this.random = new Random(settings.seed());
  }

  /** Starts the kills and the one-time disruptions. */
  void start(List<OneTime> once) {
    thread("chaos-supervisor", this::supervise); // not joined: it ends with finish()
    threads.add(thread("chaos-kills", this::kills));
    for (OneTime step : once) {
      threads.add(
          thread(
              "chaos-" + step.what(),
              () -> {
                awaitProgress(step.at());
                log("begin: " + step.what());
                step.action().run();
                log("end: " + step.what());
              }));
    }
  }

  private Thread thread(String name, Action body) {
    Thread thread =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception | AssertionError e) {
                failures.add(e);
                log("failed: " + name + ": " + e);
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void kills() throws InterruptedException {
    int total = settings.kills();
    for (int i = 0; i < total; i++) {
      double mark = (i + 0.25 + random.nextDouble() * 0.5) / total;
      if (progress.getAsDouble() >= 1.0) {
        Thread.sleep(1_000 + random.nextInt(2_000)); // the drain: kills go on, spaced
      } else {
        awaitProgress(mark);
      }
      SidecarProcess victim = victim();
      long pid = victim.pid();
      killed.add(victim);
      cluster.kill(victim);
      log("kill -9 " + victim.name() + " (pid " + pid + ")");
      Thread.sleep(random.nextInt((int) Math.max(1, settings.restartDelay().toMillis())));
      cluster.restart(victim);
      killed.remove(victim);
      log("restart " + victim.name());
    }
  }

  /**
   * What systemd's {@code Restart=on-failure} does for the daemon: an instance that exited of its
   * own accord (its event log away at start, say: it exits for its supervisor to start it again) is
   * started again after a second. Those the kills stopped are left to the kills.
   */
  private void supervise() throws InterruptedException {
    while (supervising) {
      Thread.sleep(1_000);
      for (SidecarProcess instance : cluster.instances()) {
        if (supervising
            && !killed.contains(instance)
            && !instance.alive()
            && instance.starts() > 0) {
          exits.incrementAndGet();
          log(instance.name() + " exited (status " + instance.exitStatus() + "): started again");
          instance.start();
        }
      }
    }
  }

  /** How many times an instance exited by itself and was started again. */
  int exits() {
    return exits.get();
  }

  /** A running instance, at random (waiting for one when none runs). */
  private SidecarProcess victim() throws InterruptedException {
    while (true) {
      List<SidecarProcess> alive =
          cluster.instances().stream().filter(SidecarProcess::alive).toList();
      if (!alive.isEmpty()) {
        return alive.get(random.nextInt(alive.size()));
      }
      Thread.sleep(100);
    }
  }

  private void awaitProgress(double share) throws InterruptedException {
    while (progress.getAsDouble() < share) {
      Thread.sleep(20);
    }
  }

  /** Waits for every disruption to be over, then for every instance to be running and ready. */
  void finish(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    for (Thread thread : threads) {
      thread.join(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()));
    }
    supervising = false;
    cluster.startMissing();
    for (SidecarProcess instance : cluster.instances()) {
      instance.awaitReady(Duration.ofMinutes(3));
    }
  }

  void log(String what) {
    Instant now = Instant.now();
    steps.add(new Step(now, what));
    System.err.printf("# %s %s%n", LocalTime.now().truncatedTo(ChronoUnit.MILLIS), what);
  }

  List<Step> steps() {
    return List.copyOf(steps);
  }

  /** When each kill -9 was made. */
  List<Instant> killTimes() {
    return steps.stream().filter(s -> s.what().startsWith("kill -9")).map(Step::at).toList();
  }

  List<Throwable> failures() {
    return List.copyOf(failures);
  }
}
