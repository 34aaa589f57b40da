package io.odoosidecar.action;

import io.odoosidecar.rule.Rule;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * One action to run: an action of a rule, on the records it fired on.
 *
 * @param rule the rule that fired
 * @param index the action's position in the rule (children of a {@code multi}: dotted)
 * @param action the action, by {@code ir.actions.server}'s field names
 * @param model the rule's model
 * @param ids the records it fired on
 * @param eventOf the event of each record, for idempotency keys
 * @param operationOf the operation of each record's event ({@code create}, {@code write}, {@code
 *     unlink}, {@code message}, {@code webhook}, {@code timed}); empty when the caller knows none
 */
public record ActionTarget(
    Rule rule,
    String index,
    Map<String, Object> action,
    String model,
    List<Long> ids,
    Map<Long, Long> eventOf,
    Map<Long, String> operationOf) {

  /** A target whose events' operations are not known (outside the pipeline). */
  public ActionTarget(
      Rule rule,
      String index,
      Map<String, Object> action,
      String model,
      List<Long> ids,
      Map<Long, Long> eventOf) {
    this(rule, index, action, model, ids, eventOf, Map.of());
  }

  /** The operation of a record's event, if known. */
  public java.util.Optional<String> operation(long recordId) {
    return java.util.Optional.ofNullable(operationOf.get(recordId));
  }

  /** This target on fewer records (the same rule, action, events and operations). */
  public ActionTarget withIds(List<Long> fewer) {
    return new ActionTarget(rule, index, action, model, fewer, eventOf, operationOf);
  }

  /** The module name of the external ids that make creates idempotent. */
  public static final String IDEMPOTENCY_MODULE = "sidecar_idem";

  /** The action's kind ({@code ir.actions.server.state}), as text. */
  public String state() {
    return String.valueOf(action.get("state"));
  }

  /** The same rule, records and events, another action (a child, or one value of several). */
  public ActionTarget withAction(String index, Map<String, Object> action) {
    return new ActionTarget(rule, index, action, model, ids, eventOf, operationOf);
  }

  /**
   * The idempotency key of one record's run of this action: its event, a checksum of the rule's
   * name, and the action's position.
   */
  public String key(long recordId) {
    Long event = eventOf.get(recordId);
    CRC32 crc = new CRC32();
    crc.update(rule.name().getBytes(StandardCharsets.UTF_8));
    return "e"
        + (event == null ? "r" + recordId : event.toString())
        + "_r"
        + Long.toHexString(crc.getValue())
        + "_a"
        + index.replace('.', '_');
  }

  /** {@link #key}'s external id ({@code sidecar_idem.e42_r1a2b3c4d_a0}). */
  public String externalId(long recordId) {
    return IDEMPOTENCY_MODULE + "." + key(recordId);
  }

  /** "rule 'R', action 0": where a problem of this action is. */
  String where() {
    return "rule '" + rule.name() + "', action " + index;
  }
}
