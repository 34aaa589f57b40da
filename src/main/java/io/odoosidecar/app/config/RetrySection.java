package io.odoosidecar.app.config;

import io.odoosidecar.odoo.RetryPolicy;

/** A {@code retry} mapping: of a connection's read-only calls, or of the pipeline's events. */
final class RetrySection {
  private RetrySection() {}

  /** The policy under {@code node}, each key absent taking its value from {@code defaults}. */
  static RetryPolicy read(ConfigNode node, RetryPolicy defaults, int mostAttempts) {
    node.allowOnlyCatalogued();
    try {
      return new RetryPolicy(
          node.integer("max-attempts", defaults.maxAttempts(), 1, mostAttempts),
          node.duration("initial-backoff", defaults.initialBackoff()),
          node.duration("max-backoff", defaults.maxBackoff()));
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage());
    }
  }
}
