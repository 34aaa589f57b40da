package io.odoosidecar.odoo;

import com.github.benmanes.caffeine.cache.Ticker;

/** Creates {@link OdooClient}s. */
public final class OdooClients {
  private OdooClients() {}

  /**
   * A client for the settings. No call is made until the client is first used; then the transport
   * is chosen (for {@link TransportKind#AUTO}: JSON-2 when the server has it and an API key is
   * given, JSON-RPC otherwise, since it names Odoo's exception classes).
   */
  public static OdooClient create(OdooSettings settings) {
    return new RpcOdooClient(settings, RetryPolicy.Sleeper.system(), Ticker.systemTicker());
  }

  /** A client that waits through {@code sleeper} and reads cache time from {@code ticker}. */
  public static OdooClient create(
      OdooSettings settings, RetryPolicy.Sleeper sleeper, Ticker ticker) {
    return new RpcOdooClient(settings, sleeper, ticker);
  }
}
