package io.odoosidecar.pipeline;

import java.time.Instant;
import java.util.List;

/**
 * One run of a rule: its actions over the records one batch fired it on.
 *
 * @param rule the rule's name
 * @param trigger the rule's trigger as Odoo names it ({@code on_create_or_write}, ...)
 * @param database the database of the records
 * @param model the records' model
 * @param events the events it ran for, in the order of {@code records}
 * @param records the records it ran on
 * @param started when its first action started
 * @param durationMicros how long its actions took together
 * @param result {@code done} (every action done on every record), {@code failed} (at least one
 *     record failed and is tried again), {@code parked} (at least one record became a dead letter),
 *     {@code waiting} (Odoo unreachable: tried again, not counted)
 * @param error the first failure's message, or empty
 * @param traceback the first failure's traceback (Python's for code, the exception chain
 *     otherwise), or empty
 * @param actions each action run, in order
 */
public record RuleRun(
    String rule,
    String trigger,
    String database,
    String model,
    List<Long> events,
    List<Long> records,
    Instant started,
    long durationMicros,
    String result,
    String error,
    String traceback,
    List<Action> actions) {

  public RuleRun {
    events = List.copyOf(events);
    records = List.copyOf(records);
    actions = List.copyOf(actions);
  }

  /**
   * One action of the run.
   *
   * @param index its position in the rule, from 0
   * @param kind its {@code state} ({@code object_write}, {@code code}, ...)
   * @param records how many records it ran on
   * @param durationMicros how long it took
   * @param result {@code done}, {@code failed}, {@code parked} or {@code waiting} (an action done
   *     before, by an earlier attempt, is not run again and not listed)
   * @param error its failure's message, or empty
   * @param calls the Odoo calls it made, in order
   */
  public record Action(
      int index,
      String kind,
      int records,
      long durationMicros,
      String result,
      String error,
      List<Call> calls) {
    public Action {
      calls = List.copyOf(calls);
    }
  }

  /**
   * One call to Odoo made by an action.
   *
   * @param model the model called
   * @param method the method called
   * @param durationMicros how long Odoo took to answer
   * @param error the failure's message, or empty when it answered
   */
  public record Call(String model, String method, long durationMicros, String error) {}
}
