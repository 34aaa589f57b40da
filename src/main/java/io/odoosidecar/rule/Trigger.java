package io.odoosidecar.rule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** When a rule runs: the values of {@code base.automation.trigger}. */
public enum Trigger {
  ON_CREATE(true, false),
  ON_WRITE(false, true),
  ON_CREATE_OR_WRITE(true, true),
  ON_UNLINK(false, false),
  ON_STAGE_SET(true, true),
  ON_STATE_SET(true, true),
  ON_USER_SET(true, true),
  ON_TAG_SET(true, true),
  ON_PRIORITY_SET(true, true),
  ON_ARCHIVE(false, true),
  ON_UNARCHIVE(false, true),
  ON_WEBHOOK(false, false),
  ON_MESSAGE_RECEIVED(false, false),
  ON_MESSAGE_SENT(false, false),
  ON_TIME(false, false),
  ON_TIME_CREATED(false, false),
  ON_TIME_UPDATED(false, false),
  ON_CHANGE(false, false);

  private final boolean onCreate;
  private final boolean onWrite;

  Trigger(boolean onCreate, boolean onWrite) {
    this.onCreate = onCreate;
    this.onWrite = onWrite;
  }

  /** Whether a create runs it (Odoo's CREATE_TRIGGERS). */
  public boolean onCreate() {
    return onCreate;
  }

  /** Whether a write runs it (Odoo's WRITE_TRIGGERS). */
  public boolean onWrite() {
    return onWrite;
  }

  /** Odoo's name: {@code on_create_or_write}. */
  public String odooName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The trigger Odoo names {@code name}; an unknown name fails with the list of known ones. */
  public static Trigger of(String name) {
    for (Trigger trigger : values()) {
      if (trigger.odooName().equals(name)) {
        return trigger;
      }
    }
    throw new IllegalArgumentException(
        "unknown trigger '"
            + name
            + "', expected one of "
            + Arrays.stream(values()).map(Trigger::odooName).collect(Collectors.joining(", ")));
  }
}
