package io.odoosidecar.app;

import io.odoosidecar.pipeline.PushReceiver;
import io.odoosidecar.server.HttpService;
import io.odoosidecar.server.Routes;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.RpcModels;
import java.util.Map;

/**
 * The sidecar's Odoo-compatible RPC endpoint ({@code /xmlrpc/2/common}, {@code /xmlrpc/2/object},
 * {@code /jsonrpc}): the addon's pushes, and the sidecar's own models.
 */
final class RpcService implements HttpService {
  private final RpcEndpoint endpoint;

  /**
   * @param receiver the push receiver, which authenticates every call
   * @param models the sidecar's own models, by name
   * @param users who else may read them (the console's users)
   */
  RpcService(
      PushReceiver receiver,
      Map<String, RpcModels.Model> models,
      RpcModels.Users users,
      SidecarConfig.PushConfig push,
      SidecarConfig.ServerConfig server) {
    this.endpoint =
        new RpcEndpoint(
            new RpcModels(receiver, models, users), push.maxBodyBytes(), server.readTimeout());
  }

  @Override
  public void mount(Routes routes) {
    routes
        .exact("/xmlrpc/2/common", endpoint.xmlrpc("common"))
        .exact("/xmlrpc/2/object", endpoint.xmlrpc("object"))
        .exact("/jsonrpc", endpoint.jsonrpc());
  }
}
