package io.odoosidecar.pipeline;

import java.util.List;

/**
 * The hostile-input suites of the push endpoint that speak to it over HTTP only, for the harness to
 * run against a cluster's instances: their cases, not a copy of them.
 */
public final class HostilePushSuites {
  private HostilePushSuites() {}

  /** The suite classes; each has a {@code server} field the harness points at an instance. */
  public static List<Class<?>> suites() {
    return List.of(PushLimitsHostileTest.class);
  }

  /** The secret the suites push with. */
  public static String secret() {
    return PushEndpointTest.SECRET;
  }
}
