package io.odoosidecar.pipeline;

import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.server.RpcModels;
import io.odoosidecar.store.EventLog;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The model {@code sidecar.dead_letter} without a run history: {@link
 * io.odoosidecar.server.models.DeadLetterModel}, whose tracebacks stay empty. The daemon's wiring
 * that predates the run history builds this one; with a history, build that model instead.
 */
public final class DeadLetterModel implements RpcModels.Model {
  /** The model's name on the endpoint. */
  public static final String NAME = io.odoosidecar.server.models.DeadLetterModel.NAME;

  private final io.odoosidecar.server.models.DeadLetterModel model;

  /**
   * @param wake called after dead letters were put back in line
   */
  public DeadLetterModel(EventLog log, Runnable wake, Clock clock) {
    this.model = new io.odoosidecar.server.models.DeadLetterModel(log, wake, clock);
  }

  @Override
  public Object call(String method, List<Object> args, Map<String, Object> kwargs) throws RpcFault {
    return model.call(method, args, kwargs);
  }
}
