package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules in force: the rule files', then those the databases ticked "Run in sidecar", imported
 * from each (kept in {@code data-dir/offloaded}) and bound to that database.
 */
final class OffloadedRules {
  private static final Logger LOG = LoggerFactory.getLogger(OffloadedRules.class);

  private final RuleRegistry files;
  private final Path dataDir;
  private final Map<String, List<Rule>> offloaded = new ConcurrentHashMap<>();
  private final Set<String> tried = ConcurrentHashMap.newKeySet();

  /**
   * @param files the rules folder, or null for none
   */
  OffloadedRules(RuleRegistry files, Path dataDir) {
    this.files = files;
    this.dataDir = dataDir;
  }

  /** The rules in force: the files', then the databases' (a name taken by a file wins). */
  List<Rule> current() {
    List<Rule> fromFiles = files == null ? List.of() : files.snapshot().rules();
    if (offloaded.isEmpty()) {
      return fromFiles;
    }
    List<Rule> all = new ArrayList<>(fromFiles);
    Set<String> names = new HashSet<>();
    fromFiles.forEach(r -> names.add(r.name()));
    offloaded
        .values()
        .forEach(list -> list.stream().filter(r -> names.add(r.name())).forEach(all::add));
    return all;
  }

  private volatile Map.Entry<RuleRegistry.Snapshot, Map<String, String>> fileIndex = null;

  /**
   * Where a rule comes from: its file (relative to the rules folder) for a file's rule, {@code
   * odoo:<database>} for a rule imported from a database, empty for a name not in force.
   */
  String sourceOf(String name) {
    for (Map.Entry<String, List<Rule>> e : offloaded.entrySet()) {
      if (e.getValue().stream().anyMatch(r -> r.name().equals(name))
          && fileNames().get(name) == null) {
        return "odoo:" + e.getKey();
      }
    }
    String file = fileNames().get(name);
    return file == null ? "" : file;
  }

  /** The file of each rule of the rules folder, read again when the folder was reloaded. */
  private Map<String, String> fileNames() {
    if (files == null) {
      return Map.of();
    }
    RuleRegistry.Snapshot snapshot = files.snapshot();
    Map.Entry<RuleRegistry.Snapshot, Map<String, String>> known = fileIndex;
    if (known != null && known.getKey() == snapshot) {
      return known.getValue();
    }
    Map<String, String> names = new java.util.HashMap<>();
    try {
      io.odoosidecar.rule.RuleFiles.loadBySource(files.directory())
          .forEach(
              (path, rules) ->
                  rules.forEach(
                      r ->
                          names.putIfAbsent(
                              r.name(), files.directory().relativize(path).toString())));
    } catch (RuntimeException e) {
      LOG.debug("the rules' files cannot be listed now: {}", e.getMessage());
    }
    fileIndex = Map.entry(snapshot, names);
    return names;
  }

  /**
   * Imports the rules a database ticked "Run in sidecar"; a rule that cannot be read is reported
   * and left out, and a database that cannot be read keeps what it had.
   */
  void importFrom(OdooSettings settings, OdooClient client) {
    try {
      load(settings, client);
    } finally {
      tried.add(settings.database()); // read, or found unreadable: the rules in force are known
    }
  }

  /** Whether the rules of a database were looked for at least once since the start. */
  boolean triedFrom(String database) {
    return tried.contains(database);
  }

  private void load(OdooSettings settings, OdooClient client) {
    try {
      String yaml = new io.odoosidecar.rule.RuleImport(client).offloadedYaml();
      Path dir = dataDir.resolve("offloaded");
      Files.createDirectories(dir);
      Path file = dir.resolve(settings.name() + ".yaml");
      // written aside, then moved in place: instances sharing a data-dir never read half a file
      Path written = Files.createTempFile(dir, settings.name() + ".", ".tmp");
      Files.writeString(written, yaml);
      Files.move(
          written,
          file,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      List<Rule> found = new ArrayList<>();
      for (Rule rule : io.odoosidecar.rule.RuleFiles.loadFile(file)) {
        found.add(bound(rule, settings.database()));
      }
      List<Rule> before = offloaded.put(settings.database(), found);
      if (before == null || before.size() != found.size()) {
        LOG.info(
            "connection '{}': {} rules run in the sidecar for Odoo", settings.name(), found.size());
      }
    } catch (RuntimeException | java.io.IOException e) {
      LOG.warn(
          "connection '{}': cannot import the offloaded rules: {}",
          settings.name(),
          e.getMessage());
    }
  }

  private static Rule bound(Rule rule, String database) {
    Map<String, Object> parameters = new LinkedHashMap<>(rule.parameters());
    parameters.put("database", database);
    return new Rule(
        rule.name(),
        rule.model(),
        rule.active(),
        rule.trigger(),
        rule.triggerFields(),
        rule.filterPreDomain(),
        rule.filterDomain(),
        parameters,
        rule.actions());
  }
}
