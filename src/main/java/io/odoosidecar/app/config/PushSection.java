package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.PushConfig;
import io.odoosidecar.app.SidecarConfig.ServerConfig;
import io.odoosidecar.pipeline.PushReceiver;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The {@code push} section: how the addon's pushes are received; off without a secret. */
final class PushSection {
  static final String KEY = "push";

  private PushSection() {}

  static PushConfig read(ConfigNode root, ServerConfig server, Map<String, String> env) {
    ConfigNode push = root.child(KEY);
    push.allowOnlyCatalogued();
    PushConfig defaults = PushConfig.OFF;
    return new PushConfig(
        Secrets.read(push, "secret", "SIDECAR_PUSH_SECRET", env),
        auth(push),
        push.duration("window", defaults.window()),
        push.integer("max-body-bytes", defaults.maxBodyBytes(), 1024, Integer.MAX_VALUE),
        push.integer("max-events", defaults.maxEvents(), 1, 1_000_000),
        push.integer("max-records", defaults.maxRecords(), 1, 10_000_000),
        Optional.of(
            push.string("public-url").orElse("http://" + server.host() + ":" + server.port())));
  }

  private static PushReceiver.Auth auth(ConfigNode push) {
    try {
      return PushReceiver.Auth.valueOf(
          push.string("auth").orElse("secret").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw push.error("auth", "must be secret or hmac");
    }
  }
}
