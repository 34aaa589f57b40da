package io.odoosidecar.domain;

import io.odoosidecar.odoo.OdooClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which records of a batch match a domain: locally, from the records read with one {@code
 * search_read} per model and level, or, when a leaf cannot be decided from them, by asking Odoo
 * ({@code search} on {@code ('id', 'in', ids)} and the domain). It never guesses.
 */
public final class DomainMatcher {
  /**
   * The answer for a batch.
   *
   * @param matching the ids that match
   * @param local whether the sidecar decided it (false: Odoo was asked)
   * @param reason why Odoo was asked, or an empty string
   */
  public record Outcome(Set<Long> matching, boolean local, String reason) {}

  private final OdooClient client;
  private final Schema schema;

  public DomainMatcher(OdooClient client, Schema schema) {
    this.client = client.withContext(Map.of("active_test", false));
    this.schema = schema;
  }

  /** The ids among {@code ids} of {@code model} that match {@code domain}. */
  public Outcome match(String model, Collection<Long> ids, Domain domain) {
    try {
      RecordStore store = new BatchLoader(client, schema).load(model, ids, List.of(domain));
      DomainEngine.Compiled compiled = new DomainEngine(schema, store).compile(model, domain);
      Set<Long> matching = new LinkedHashSet<>();
      for (Long id : ids) {
        Map<String, Object> record = store.get(model, id);
        if (record != null && compiled.test(record)) {
          matching.add(id);
        }
      }
      return new Outcome(matching, true, "");
    } catch (UndecidableException e) {
      return new Outcome(new LinkedHashSet<>(ask(model, ids, domain)), false, e.getMessage());
    }
  }

  /** Odoo's own answer: {@code search([('id', 'in', ids)] + domain)}, archived records included. */
  public List<Long> ask(String model, Collection<Long> ids, Domain domain) {
    List<Object> remote = new ArrayList<>();
    remote.add(Domain.AND);
    remote.add(List.of("id", "in", new ArrayList<>(ids)));
    remote.addAll(domain.toWire());
    return client.search(model, remote);
  }
}
