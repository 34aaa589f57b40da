package io.odoosidecar.odoo;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves external ids ({@code module.name}, as {@code env.ref} takes them) to record ids through
 * {@code ir.model.data}, each looked up once per instance.
 */
public final class ExternalIds {
  private final OdooClient client;
  private final Map<String, Optional<Long>> cache = new ConcurrentHashMap<>();

  public ExternalIds(OdooClient client) {
    this.client = client;
  }

  /** The record id of an external id, or empty when Odoo has none by that name. */
  public Optional<Long> resolve(String xmlId) {
    Optional<Long> known = cache.get(xmlId);
    if (known != null) {
      return known;
    }
    Optional<Long> found = lookup(xmlId);
    cache.put(xmlId, found);
    return found;
  }

  /** The record id of an external id; fails naming it when Odoo has none. */
  public long require(String xmlId) {
    return resolve(xmlId)
        .orElseThrow(
            () -> new IllegalArgumentException("External ID not found in the system: " + xmlId));
  }

  /** Whether a text has the shape of an external id ({@code module.name}). */
  public static boolean looksLikeXmlId(String text) {
    return text.matches("[A-Za-z0-9_]+\\.[A-Za-z0-9_.]+") && !text.matches("[0-9.]+");
  }

  private Optional<Long> lookup(String xmlId) {
    int dot = xmlId.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    List<OdooRecord> rows =
        client.searchRead(
            "ir.model.data",
            List.of(
                List.of("module", "=", xmlId.substring(0, dot)),
                List.of("name", "=", xmlId.substring(dot + 1))),
            List.of("res_id"),
            SearchOptions.limit(1));
    return rows.isEmpty() ? Optional.empty() : rows.get(0).integer("res_id");
  }
}
