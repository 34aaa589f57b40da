package io.odoosidecar.sync;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.sync.auth.SyncAuth;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The signer of each config, built once from its auth and kept (an OAuth2 signer caches its token)
 * until a reload gives the config another auth.
 */
final class Signers implements Function<SyncConfig, Signer> {
  private record Built(SyncAuth auth, Signer signer) {}

  private final Clock clock;
  private final RetryingSender sender;
  private final Map<String, Built> byConfig = new ConcurrentHashMap<>();

  Signers(Clock clock, RetryingSender sender) {
    this.clock = clock;
    this.sender = sender;
  }

  @Override
  public Signer apply(SyncConfig config) {
    return byConfig
        .compute(
            config.name(),
            (name, built) ->
                built != null && built.auth() == config.auth()
                    ? built
                    : new Built(config.auth(), config.auth().signer(clock, sender)))
        .signer();
  }
}
