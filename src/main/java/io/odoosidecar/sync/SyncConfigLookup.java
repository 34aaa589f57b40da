package io.odoosidecar.sync;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The sync configs in force, by name (those of the rules folder, reloaded with the rules). */
@FunctionalInterface
public interface SyncConfigLookup {
  /** The config named {@code name}, if it is in force. */
  Optional<SyncConfig> find(String name);

  /** The configs of a fixed list. */
  static SyncConfigLookup of(Collection<SyncConfig> configs) {
    List<SyncConfig> copy = List.copyOf(configs);
    return name -> copy.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
