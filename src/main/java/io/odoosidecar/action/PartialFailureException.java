package io.odoosidecar.action;

import io.odoosidecar.SidecarException;
import java.util.List;
import java.util.Map;

/** An action that succeeded on some records and failed on others. */
public final class PartialFailureException extends SidecarException {
  private static final long serialVersionUID = 1L;

  private final List<Long> done;
  private final Map<Long, String> failed;

  /**
   * @param done the records the action was applied to
   * @param failed the records it failed on (at least one), with the reason
   */
  public PartialFailureException(List<Long> done, Map<Long, String> failed) {
    super("failed on " + failed.size() + " records: " + failed.values().iterator().next());
    this.done = List.copyOf(done);
    this.failed = Map.copyOf(failed);
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
