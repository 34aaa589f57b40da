package io.odoosidecar.server;

import java.util.List;

/**
 * The hostile XML suite of the RPC endpoint (DOCTYPEs, entities, deep nesting), for the harness to
 * run against a cluster's instances: its cases, not a copy of them.
 */
public final class HostileXmlSuites {
  private HostileXmlSuites() {}

  /** The suite classes; each has a {@code server} field the harness points at an instance. */
  public static List<Class<?>> suites() {
    return List.of(XmlEndpointHostileTest.class);
  }
}
