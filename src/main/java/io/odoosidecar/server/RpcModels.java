package io.odoosidecar.server;

import io.odoosidecar.server.RpcEndpoint.Request;
import io.odoosidecar.server.RpcEndpoint.RpcFault;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A {@link RpcEndpoint.Service} that serves some models itself and hands every other call to the
 * service behind it: {@code execute_kw(db, uid, password, model, method, ...)} on a model of its
 * own is authenticated with the service's {@code authenticate} (the same check as any other call)
 * and answered by that model.
 */
public final class RpcModels implements RpcEndpoint.Service {
  /** One model served over the endpoint. */
  public interface Model {
    /**
     * Answers {@code method} with Odoo's call shape, once the caller is authenticated.
     *
     * @throws RpcFault an unknown method or malformed arguments (400)
     */
    Object call(String method, List<Object> args, Map<String, Object> kwargs) throws RpcFault;

    /** Whether this model answers {@code method}; another is handed to the service behind. */
    default boolean serves(String method) {
      return true;
    }
  }

  /**
   * Who, besides the holder of the push secret, may read the sidecar's own models: the console's
   * users, logged in with their Odoo login and password.
   */
  public interface Users {
    /** Nobody. */
    Users NONE =
        new Users() {
          @Override
          public OptionalLong authenticate(
              String database, String login, String password, String peer) {
            return OptionalLong.empty();
          }

          @Override
          public boolean valid(String database, long uid, String password, String peer) {
            return false;
          }
        };

    /** The uid of a user allowed in, or empty ({@code peer}: the caller's address). */
    OptionalLong authenticate(String database, String login, String password, String peer);

    /** Whether {@code uid} with {@code password} is a user allowed in. */
    boolean valid(String database, long uid, String password, String peer);
  }

  private final RpcEndpoint.Service fallback;
  private final Map<String, Model> models;
  private final Users users;

  /**
   * @param fallback the service answering {@code version}, {@code authenticate} and every model not
   *     in {@code models}
   * @param models the models served here, by name
   */
  public RpcModels(RpcEndpoint.Service fallback, Map<String, Model> models) {
    this(fallback, models, Users.NONE);
  }

  /**
   * @param users who else may read the models (their calls reach no other model)
   */
  public RpcModels(RpcEndpoint.Service fallback, Map<String, Model> models, Users users) {
    this.fallback = fallback;
    this.models = Map.copyOf(models);
    this.users = users;
  }

  @Override
  public void admit(Request request) throws RpcFault {
    fallback.admit(request); // the signature check and replay guard cover every model
  }

  @Override
  public Map<String, Object> version() {
    return fallback.version();
  }

  @Override
  public OptionalLong authenticate(
      String database, String login, String password, Request request) {
    OptionalLong uid = fallback.authenticate(database, login, password, request);
    return uid.isPresent() ? uid : users.authenticate(database, login, password, request.peer());
  }

  @Override
  public Object execute(
      String database,
      long uid,
      String password,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs,
      Request request)
      throws RpcFault {
    Model served = models.get(model);
    if (served == null || !served.serves(method)) {
      return fallback.execute(database, uid, password, model, method, args, kwargs, request);
    }
    if (fallback.authenticate(database, "", password, request).isEmpty()
        && !users.valid(database, uid, password, request.peer())) {
      throw RpcFault.denied("Access Denied");
    }
    return served.call(method, args, kwargs);
  }
}
