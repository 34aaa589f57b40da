package io.odoosidecar.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.SidecarException;
import java.util.List;
import java.util.Map;

/**
 * What the event log keeps of one change of one record, as JSON: enough to decide which rules it
 * fires without asking Odoo for the past.
 *
 * @param operation {@code create}, {@code write}, {@code unlink}, {@code message} or {@code
 *     webhook}
 * @param fields the fields written (a write), or empty
 * @param old the values before the change of the fields rules need (a write or an unlink)
 * @param values the values after the change when the source knew them (the poller, or a push that
 *     sent them); values read later from Odoo fill the rest
 * @param uid the Odoo user who made the change, or 0
 * @param at when Odoo committed it, as Odoo writes dates, or null
 * @param source {@code push}, {@code poll} or {@code webhook}
 * @param outboxId the addon's outbox id, or 0
 * @param chain the rules whose actions made this change (Odoo's per-transaction guard: they do not
 *     fire again on these records)
 * @param depth how many rule firings led to this change (0: a user's change)
 * @param message for a message event: {@code message_type}, {@code is_internal}, {@code
 *     subtype_internal}, {@code author_share} (whether the author is a portal or public partner, or
 *     no partner)
 * @param rule for a webhook event: the rule called
 * @param snapshot for a deletion: the record's values before it, of the fields the deletion's
 *     actions read (the watch list's {@code unlink_fields}), as {@code read(load='')} gives them;
 *     the record is gone when they run
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ChangePayload(
    @JsonProperty("op") String operation,
    @JsonProperty("fields") List<String> fields,
    @JsonProperty("old") Map<String, Object> old,
    @JsonProperty("values") Map<String, Object> values,
    @JsonProperty("uid") long uid,
    @JsonProperty("at") String at,
    @JsonProperty("source") String source,
    @JsonProperty("outbox") long outboxId,
    @JsonProperty("chain") List<String> chain,
    @JsonProperty("depth") int depth,
    @JsonProperty("message") Map<String, Object> message,
    @JsonProperty("rule") String rule,
    @JsonProperty("snapshot") Map<String, Object> snapshot) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The payloads this process encoded, by the identity of their JSON text: an event appended here
   * and processed here is not parsed again. Weak keys: an entry lives as long as its text.
   */
  private static final com.github.benmanes.caffeine.cache.Cache<String, ChangePayload> ENCODED =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .weakKeys()
          .maximumSize(200_000)
          .build();

  public ChangePayload {
    fields = fields == null ? List.of() : List.copyOf(fields);
    old =
        old == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(old));
    values =
        values == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    chain = chain == null ? List.of() : List.copyOf(chain);
    message =
        message == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(message));
    snapshot =
        snapshot == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(snapshot));
  }

  /** A payload without snapshot: any change but a deletion the addon pushed. */
  public ChangePayload(
      String operation,
      List<String> fields,
      Map<String, Object> old,
      Map<String, Object> values,
      long uid,
      String at,
      String source,
      long outboxId,
      List<String> chain,
      int depth,
      Map<String, Object> message,
      String rule) {
    this(
        operation, fields, old, values, uid, at, source, outboxId, chain, depth, message, rule,
        Map.of());
  }

  /** The fields written, as a set. */
  public java.util.Set<String> fieldSet() {
    return fields.size() == 1 ? java.util.Set.of(fields.get(0)) : new java.util.HashSet<>(fields);
  }

  /** The payload as stored. */
  public String toJson() {
    try {
      String json = JSON.writeValueAsString(this);
      ENCODED.put(json, this);
      return json;
    } catch (JsonProcessingException e) {
      throw new SidecarException("cannot encode an event: " + e.getMessage(), e);
    }
  }

  /** A stored payload. */
  public static ChangePayload parse(String json) {
    ChangePayload known = ENCODED.getIfPresent(json);
    if (known != null) {
      return known;
    }
    try {
      return JSON.readValue(json, ChangePayload.class);
    } catch (JsonProcessingException e) {
      throw new SidecarException("unreadable event payload: " + e.getOriginalMessage(), e);
    }
  }
}
