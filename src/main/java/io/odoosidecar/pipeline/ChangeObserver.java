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
  ChangeObserver NONE = (database, model, written, unlinked, fields) -> {};

  /**
   * @param written the records created or written
   * @param unlinked the records deleted
   * @param fields the fields the writes changed, or null when that is not known (a creation among
   *     the changes, or a change that does not say which fields it wrote)
   */
  void observe(
      String database, String model, Set<Long> written, Set<Long> unlinked, Set<String> fields);
}
