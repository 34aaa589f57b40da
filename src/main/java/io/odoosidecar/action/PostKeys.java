package io.odoosidecar.action;

import io.odoosidecar.script.CallJournal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * The idempotency keys of the messages and template emails one firing's actions make in Odoo, when
 * the database's sidecar_bridge addon takes them (its {@code sidecar.post.key}, given in the
 * context as {@link #CONTEXT_KEY}): Odoo then makes a post under a key once per record, so a run
 * done again after the sidecar died between Odoo's commit and its own record of the action (or an
 * answer lost on the way) finds the first message instead of posting a second. Without the addon no
 * key is sent and posts are made as before.
 *
 * <p>A key is a digest of what stays the same each time the same event is run again: the database,
 * the event (by its dedupe key where known: the addon's outbox row, the poll's version, the timer's
 * due time, which an instance with another event log gives the same event too; else by its id), the
 * rule, the action's position, the record, and for a call of code the call's text and how many
 * identical calls came before it in the attempt. Whether the addon takes keys is asked when the
 * first key is needed, not before: rules that post nothing cost no call.
 */
public final class PostKeys {
  /** The context key the addon reads. */
  public static final String CONTEXT_KEY = CallJournal.POST_KEY;

  /** Keys of nothing: posts are made without a key. */
  public static final PostKeys NONE = new PostKeys(null, event -> null, () -> false);

  private static final String VERSION = "sp1-";

  private final String database;
  private final LongFunction<String> eventKeys;
  private final BooleanSupplier honoured;
  private Boolean on;

  private PostKeys(String database, LongFunction<String> eventKeys, BooleanSupplier honoured) {
    this.database = database;
    this.eventKeys = eventKeys;
    this.honoured = honoured;
  }

  /**
   * The keys of a firing on {@code database} whose events are named by their ids.
   *
   * @param honoured whether the database's addon takes keys; asked once, when first needed
   */
  public static PostKeys of(String database, BooleanSupplier honoured) {
    return of(database, event -> null, honoured);
  }

  /**
   * The keys of a firing on {@code database} whose events are named by their dedupe keys.
   *
   * @param eventKeys each event's dedupe key, by event id (null when not known: the id is used)
   * @param honoured whether the database's addon takes keys; asked once, when first needed
   */
  public static PostKeys of(
      String database, LongFunction<String> eventKeys, BooleanSupplier honoured) {
    return new PostKeys(
        java.util.Objects.requireNonNull(database, "database"),
        java.util.Objects.requireNonNull(eventKeys, "eventKeys"),
        java.util.Objects.requireNonNull(honoured, "honoured"));
  }

  /** Whether posts carry keys: the database's addon takes them. */
  public boolean on() {
    if (database == null) {
      return false;
    }
    if (on == null) {
      on = honoured.getAsBoolean();
    }
    return on;
  }

  /**
   * The key of the post an action makes on one record for its event; empty when keys are off or the
   * record has no event (nothing to stay the same across runs).
   */
  public Optional<String> forRecord(ActionTarget target, long recordId) {
    Long event = target.eventOf().get(recordId);
    if (event == null || !on()) {
      return Optional.empty();
    }
    return Optional.of(
        digest(
            "record",
            database,
            event(event),
            target.rule().name(),
            target.index(),
            Long.toString(recordId)));
  }

  /**
   * The context that gives each of the target's records its key in one call posting on all of them
   * (a composer): {@code {sidecar_post_key: {"<id>": key}}}; empty when no record has one.
   */
  public Map<String, Object> byRecord(ActionTarget target) {
    Map<String, Object> keys = new LinkedHashMap<>();
    for (Long id : target.ids()) {
      forRecord(target, id).ifPresent(key -> keys.put(Long.toString(id), key));
    }
    return keys.isEmpty() ? Map.of() : Map.of(CONTEXT_KEY, keys);
  }

  /**
   * The key of a call of code that posts: its action ({@code rule#index}), the events it is written
   * down under in the call journal, its text (or the text's digest), and the number of identical
   * calls before it in the attempt; empty when keys are off or there is no event.
   */
  public Optional<String> forCall(
      String actionKey, Collection<Long> events, String call, int occurrence) {
    if (events.isEmpty() || !on()) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>(List.of("call", database, actionKey, call));
    parts.add(Integer.toString(occurrence));
    List<String> named = new ArrayList<>();
    for (Long event : events) {
      named.add(event(event));
    }
    named.sort(null);
    parts.addAll(named);
    return Optional.of(digest(parts.toArray(String[]::new)));
  }

  /** How an event is named in keys: by its dedupe key, else by its id. */
  private String event(long event) {
    String key = eventKeys.apply(event);
    return key != null ? "k:" + key : "e:" + event;
  }

  private static String digest(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        // each part after its length: no two lists of parts give the same bytes
        sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
        sha.update(bytes);
      }
      return VERSION + HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
