package io.odoosidecar.rule;

import io.odoosidecar.SidecarException;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running set of rules, read from a directory of rule files and reloaded when they change.
 *
 * <p>A reload validates the whole directory first: a file with a problem never replaces the running
 * set; the problem, naming the file, the rule and the key, is logged and kept for the status page
 * until a later reload succeeds.
 */
public final class RuleRegistry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuleRegistry.class);

  /**
   * The rules in force, the last reload's problem, if any, a warning about the set itself (no rules
   * at all), if any, and the sync configs and schedules in force, loaded with the rules from the
   * same files.
   */
  public record Snapshot(
      List<Rule> rules,
      String lastError,
      String warning,
      List<io.odoosidecar.sync.SyncConfig> syncConfigs,
      List<io.odoosidecar.schedule.Schedule> schedules) {
    public Snapshot {
      rules = List.copyOf(rules);
      syncConfigs = List.copyOf(syncConfigs);
      schedules = List.copyOf(schedules);
    }

    public Snapshot(
        List<Rule> rules,
        String lastError,
        String warning,
        List<io.odoosidecar.sync.SyncConfig> syncConfigs) {
      this(rules, lastError, warning, syncConfigs, List.of());
    }

    public Snapshot(List<Rule> rules, String lastError, String warning) {
      this(rules, lastError, warning, List.of());
    }

    public Snapshot(List<Rule> rules, String lastError) {
      this(rules, lastError, "");
    }

    /** The sync config named {@code name}, if it is in force. */
    public java.util.Optional<io.odoosidecar.sync.SyncConfig> syncConfig(String name) {
      return syncConfigs.stream().filter(c -> c.name().equals(name)).findFirst();
    }
  }

  private final Path directory;
  private final Duration settle;
  private final java.util.Set<String> kinds;
  private final AtomicReference<Snapshot> current;
  private WatchService watcher;
  private Thread thread;
  private volatile String loadedDigest;
  private final java.util.concurrent.atomic.AtomicInteger reloads =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * Loads the directory; a problem here is fatal, as at start nothing runs yet.
   *
   * @param directory the rule files' directory
   * @param settle how long to wait after a change for the editor to finish writing
   */
  public RuleRegistry(Path directory, Duration settle) {
    this(directory, settle, io.odoosidecar.action.ActionRegistry.standardNames());
  }

  /**
   * Loads the directory, its actions of the given kinds only; a problem here is fatal.
   *
   * @param kinds the action kinds with an executor ({@link
   *     io.odoosidecar.action.ActionRegistry#names()})
   */
  public RuleRegistry(Path directory, Duration settle, java.util.Set<String> kinds) {
    this.directory = directory;
    this.settle = settle;
    this.kinds = java.util.Set.copyOf(kinds);
    this.loadedDigest = digest();
    RuleFiles.Contents contents = RuleFiles.loadAll(directory, this.kinds);
    List<Rule> rules = contents.rules();
    this.current =
        new AtomicReference<>(
            new Snapshot(
                rules, "", emptiness(rules, -1), contents.syncConfigs(), contents.schedules()));
    if (rules.isEmpty()) {
      LOG.warn(current.get().warning());
    } else {
      LOG.info(
          "{} rules and {} sync configs loaded from {}",
          rules.size(),
          contents.syncConfigs().size(),
          directory);
    }
  }

  public Snapshot snapshot() {
    return current.get();
  }

  public List<Rule> rules() {
    return current.get().rules();
  }

  /** The rules folder. */
  public Path directory() {
    return directory;
  }

  /** Reloads now; returns whether the new set replaced the running one. */
  public boolean reload() {
    reloads.incrementAndGet();
    loadedDigest = digest();
    try {
      RuleFiles.Contents contents = RuleFiles.loadAll(directory, kinds);
      List<Rule> rules = contents.rules();
      int before = current.get().rules().size();
      current.set(
          new Snapshot(
              rules, "", emptiness(rules, before), contents.syncConfigs(), contents.schedules()));
      if (rules.isEmpty()) {
        LOG.warn(current.get().warning());
      } else {
        LOG.info(
            "{} rules and {} sync configs reloaded from {}",
            rules.size(),
            contents.syncConfigs().size(),
            directory);
      }
      return true;
    } catch (SidecarException e) {
      Snapshot kept = current.get();
      current.set(
          new Snapshot(kept.rules(), e.getMessage(), "", kept.syncConfigs(), kept.schedules()));
      LOG.error("rules not reloaded, the running set is kept: {}", e.getMessage());
      return false;
    }
  }

  /** The warning for a set of no rules ({@code before}: the count it replaced, or -1 at start). */
  private String emptiness(List<Rule> rules, int before) {
    if (!rules.isEmpty()) {
      return "";
    }
    String was = before > 0 ? " (" + before + " before this reload)" : "";
    return "0 rules in " + directory + was + ": no rule of the rule files runs";
  }

  /** How many reloads were made since the start (the watcher's included). */
  int reloads() {
    return reloads.get();
  }

  /** Whether a path is a rule file, as the loader takes them: a log kept beside them is not. */
  static boolean ruleFile(Path path) {
    String name = String.valueOf(path.getFileName());
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /**
   * A digest of the rule files' names and contents, so that a save that changes nothing (an
   * editor's, a touch) reloads nothing; null when the folder cannot be read (a reload then says
   * why).
   */
  private String digest() {
    try (Stream<Path> listing = Files.list(directory)) {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      for (Path file : listing.filter(RuleRegistry::ruleFile).sorted().toList()) {
        sha.update(
            String.valueOf(file.getFileName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(Files.readAllBytes(file));
        sha.update((byte) 0);
      }
      return java.util.HexFormat.of().formatHex(sha.digest());
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      return null;
    }
  }

  /** Watches the directory and reloads when a rule file's content changes, on a daemon thread. */
  public void watch() {
    try {
      watcher = FileSystems.getDefault().newWatchService();
      directory.register(
          watcher,
          StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_MODIFY,
          StandardWatchEventKinds.ENTRY_DELETE);
    } catch (IOException e) {
      throw new SidecarException("cannot watch " + directory + ": " + e.getMessage(), e);
    }
    thread = new Thread(this::loop, "rules-watch");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        WatchKey key = watcher.take();
        // let the editor finish: drain the burst of events a save makes, noting whether any was
        // a rule file's (another file changing all along, a log, settles nothing and reloads none)
        boolean ruleFiles = false;
        while (key != null) {
          for (java.nio.file.WatchEvent<?> event : key.pollEvents()) {
            ruleFiles |=
                event.kind() == StandardWatchEventKinds.OVERFLOW
                    || event.context() instanceof Path name && ruleFile(name);
          }
          key.reset();
          key = ruleFiles ? watcher.poll(settle.toMillis(), TimeUnit.MILLISECONDS) : null;
        }
        String now = digest();
        if (ruleFiles && (now == null || !now.equals(loadedDigest))) {
          reload();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ClosedWatchServiceException e) {
      // closed: stop watching
    }
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        LOG.debug("closing the rules watcher: {}", e.getMessage());
      }
    }
  }
}
