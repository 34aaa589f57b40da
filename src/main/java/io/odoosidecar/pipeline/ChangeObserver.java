package io.odoosidecar.pipeline;

import java.util.Set;

/**
 * Told of each group of changes of one model before its rules run (the timed rules' due times are
 * learned this way). A failure fails the group's events, which are then retried: nothing it should
 * have seen is lost.
 */
@FunctionalInterface
public interface ChangeObserver {
  /** Nothing observes the changes. */
  ChangeObserver NONE = (database, model, written, unlinked) -> {};

  /**
   * @param written the records created or written
   * @param unlinked the records deleted
   */
  void observe(String database, String model, Set<Long> written, Set<Long> unlinked);
}
