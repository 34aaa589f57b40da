package io.odoosidecar.action;

import io.odoosidecar.SidecarException;
import java.util.List;
import java.util.Map;

/** An action that succeeded on some records and failed on others. */
public final class PartialFailureException extends SidecarException {
  private static final long serialVersionUID = 1L;

  private final List<Long> done;
  private final Map<Long, String> failed;
  private final java.util.Set<Long> finals;

  /**
   * @param done the records the action was applied to
   * @param failed the records it failed on (at least one), with the reason; each may be tried again
   */
  public PartialFailureException(List<Long> done, Map<Long, String> failed) {
    this(done, failed, java.util.Set.of());
  }

  /**
   * @param done the records the action was applied to
   * @param failed the records it failed on (at least one), with the reason
   * @param finals those of the failed records that another try cannot cure (the other side refused
   *     them for good): their events are parked at once rather than retried
   */
  public PartialFailureException(
      List<Long> done, Map<Long, String> failed, java.util.Set<Long> finals) {
    super("failed on " + failed.size() + " records: " + failed.values().iterator().next());
    if (!failed.keySet().containsAll(finals)) {
      throw new IllegalArgumentException("a final failure must be one of the failed records");
    }
    this.done = List.copyOf(done);
    this.failed = Map.copyOf(failed);
    this.finals = java.util.Set.copyOf(finals);
  }

  /** The failed records another try cannot cure: parked at once, not retried. */
  public java.util.Set<Long> finals() {
    return finals;
  }

  /** The records the action was applied to. */
  public List<Long> done() {
    return done;
  }

  /** The records it failed on, with the reason. */
  public Map<Long, String> failed() {
    return failed;
  }
}
