package io.odoosidecar.app.config;

import io.odoosidecar.app.SidecarConfig.PythonConfig;
import java.time.Duration;

/** The {@code python} section: the limits of one code action or expression. */
final class PythonSection {
  static final String KEY = "python";

  private PythonSection() {}

  static PythonConfig read(ConfigNode root) {
    ConfigNode python = root.child(KEY);
    python.allowOnlyCatalogued();
    PythonConfig defaults = PythonConfig.DEFAULTS;
    Duration timeout = python.duration("timeout", defaults.timeout());
    if (timeout.isZero() || timeout.isNegative()) {
      // no time-out would stop code at once, before its first statement
      throw python.error("timeout", "must be longer than 0s, got " + timeout.toMillis() + "ms");
    }
    return new PythonConfig(
        python.integer(
            "statement-limit", (int) defaults.statementLimit(), 1_000, Integer.MAX_VALUE),
        timeout);
  }
}
