package io.odoosidecar.pipeline;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooFaultException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a database's sidecar_bridge addon takes the idempotency keys of message posts: it has the
 * model {@code sidecar.post.key} (an addon from before keys, or no addon, has not, and a key sent
 * there would be ignored). Asked of Odoo when a firing first needs a key; a yes is kept, a no is
 * asked again after {@link #RECHECK}, so that an addon installed or updated while the sidecar runs
 * is found.
 */
final class PostKeyProbe {
  private static final Logger LOG = LoggerFactory.getLogger(PostKeyProbe.class);

  /** The addon's model of posts' keys. */
  static final String MODEL = "sidecar.post.key";

  /** How long a database without the model is taken to stay so. */
  static final Duration RECHECK = Duration.ofMinutes(10);

  private final Clock clock;
  private final Set<String> taking = ConcurrentHashMap.newKeySet();
  private final Map<String, Instant> notTaking = new ConcurrentHashMap<>();

  PostKeyProbe(Clock clock) {
    this.clock = clock;
  }

  /**
   * Whether {@code database} takes keys, asked through {@code client} unless known.
   *
   * @throws io.odoosidecar.odoo.OdooException when Odoo cannot be asked (the action fails as any
   *     call of it would, and is tried again)
   */
  boolean honoured(String database, OdooClient client) {
    if (taking.contains(database)) {
      return true;
    }
    Instant asked = notTaking.get(database);
    Instant now = clock.instant();
    if (asked != null && now.isBefore(asked.plus(RECHECK))) {
      return false;
    }
    boolean has;
    try {
      has = client.searchCount("ir.model", List.of(List.of("model", "=", MODEL))) > 0;
    } catch (OdooFaultException refused) {
      LOG.warn(
          "database '{}': cannot tell whether the addon takes message posts' keys ({}); posts"
              + " are made without one",
          database,
          refused.getMessage());
      has = false;
    }
    if (has) {
      taking.add(database);
      notTaking.remove(database);
      LOG.info(
          "database '{}': the addon takes message posts' keys: each post is made once", database);
    } else {
      if (asked == null) {
        LOG.info(
            "database '{}': no sidecar_bridge addon with {}: messages and emails are posted"
                + " without a key (a run done again may post twice)",
            database,
            MODEL);
      }
      notTaking.put(database, now);
    }
    return has;
  }
}
