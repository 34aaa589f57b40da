package io.odoosidecar.action;

import java.util.Map;
import java.util.Set;

/**
 * Which actions cannot run on a deleted record: those that would write on the record itself. They
 * are skipped for a deletion's records (logged), where Odoo, running them before the deletion,
 * would have changed what it then deleted.
 */
final class DeletedRecords {
  /** Kinds that always act on the record itself: followers, activities, messages, texts. */
  private static final Set<String> ON_THE_RECORD =
      Set.of("followers", "remove_followers", "next_activity", "mail_post", "sms");

  private DeletedRecords() {}

  /**
   * Whether the action writes on the records it runs on: one of {@link #ON_THE_RECORD}, or an
   * {@code object_write} whose path does not lead to another record (no dotted {@code
   * update_path}).
   */
  static boolean writesOnTheRecord(Map<String, Object> action) {
    String state = String.valueOf(action.get("state"));
    if (ON_THE_RECORD.contains(state)) {
      return true;
    }
    if (!"object_write".equals(state)) {
      return false;
    }
    Object path = action.getOrDefault("update_path", action.get("update_field_id"));
    return path == null || !String.valueOf(path).contains(".");
  }
}
