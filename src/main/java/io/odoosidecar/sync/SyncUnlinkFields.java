package io.odoosidecar.sync;

import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The fields of deleted records the unlink syncs need, by model, for the watch list's {@code
 * unlink_fields}: a deleted record can no longer be read, so the addon snapshots them in the
 * deletion's transaction.
 *
 * <p>A config syncs deletions when it has {@code on: [unlink]} or an {@code on_unlink} rule runs it
 * ({@code {state: api_sync, sync_config: NAME}}); it needs the first hop of each top-level mapping
 * line's field (the relation itself: its targets are still there to read), the identifier's field
 * and the unlink URL's placeholders.
 */
public final class SyncUnlinkFields {
  private SyncUnlinkFields() {}

  /** The fields by model that the configs syncing deletions (by their own or the rules') need. */
  public static Map<String, Set<String>> of(
      Collection<SyncConfig> configs, Collection<Rule> rules) {
    Set<String> unlinking = new TreeSet<>();
    for (Rule rule : rules) {
      if (rule.active() && rule.trigger() == Trigger.ON_UNLINK) {
        rule.actions().stream()
            .filter(a -> SyncConfigs.ACTION_KIND.equals(a.get("state")))
            .map(a -> a.get(SyncConfigs.ACTION_KEY))
            .filter(name -> name instanceof String)
            .forEach(name -> unlinking.add((String) name));
      }
    }
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (SyncConfig config : configs) {
      if (config.on().contains("unlink") || unlinking.contains(config.name())) {
        out.computeIfAbsent(config.model(), m -> new TreeSet<>()).addAll(fields(config));
      }
    }
    return out;
  }

  /** The fields of a config's model that one deletion's sync reads. */
  static Set<String> fields(SyncConfig config) {
    Set<String> out = new TreeSet<>();
    for (MappingLine line : config.mapping()) {
      firstHop(line.field()).ifPresent(out::add);
    }
    firstHop(config.identifier().field()).ifPresent(out::add);
    String url = config.url("unlink");
    List<String> placeholders = url == null ? List.of() : UrlTemplate.fields(url);
    placeholders.stream()
        .filter(f -> !f.equals(UrlTemplate.IDENTIFIER))
        .forEach(f -> firstHop(f).ifPresent(out::add));
    return out;
  }

  private static java.util.Optional<String> firstHop(String path) {
    if (path == null || path.isBlank()) {
      return java.util.Optional.empty();
    }
    int dot = path.indexOf('.');
    return java.util.Optional.of(dot < 0 ? path : path.substring(0, dot));
  }
}
