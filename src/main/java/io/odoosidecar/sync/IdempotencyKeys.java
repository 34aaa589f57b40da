package io.odoosidecar.sync;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The {@code Idempotency-Key} a sync sends for a record: a name-based UUID of what the send is for,
 * so that every try of the same thing carries the same key and the other side can tell a repeat.
 *
 * <p>In the pipeline the key is {@link #of}: the event, the config and the record. It is the same
 * across the sender's own retries, the pipeline's retries of the event, a restart (the event stays
 * in the event log with its id) and a dead letter's replay (which puts the same event back), and it
 * differs for the next change of the record (another event). Outside the pipeline (the command
 * line, Python's {@code _make_outbound_http_request}) there is no event: {@link #adHoc} takes a run
 * id that the caller keeps for the retries of one run.
 */
public final class IdempotencyKeys {
  private IdempotencyKeys() {}

  /** The key of a record's sync by a config for an event: the UUID of "event:config:record". */
  public static String of(long eventId, String config, long recordId) {
    return uuid(eventId + ":" + config + ":" + recordId);
  }

  /**
   * The key of a record's sync by a config in a run outside the pipeline: the UUID of
   * "run:RUN:config:record" (never one of {@link #of}'s, whose names start with a number).
   */
  public static String adHoc(String runId, String config, long recordId) {
    return uuid("run:" + runId + ":" + config + ":" + recordId);
  }

  private static String uuid(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
