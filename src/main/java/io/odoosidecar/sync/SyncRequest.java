package io.odoosidecar.sync;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to sync: records of one operation of one config.
 *
 * @param config the sync config
 * @param operation {@code create}, {@code write} or {@code unlink}
 * @param model the records' model (the config's)
 * @param ids the records, in order
 * @param known values of the records as pushed by Odoo or, for {@code unlink}, a snapshot taken
 *     before the deletion, by id; those that cover the mapped fields are not read again, and for
 *     {@code unlink} those given are never read (the records are gone: a field the snapshot lacks
 *     fails the record when the delete needs it)
 * @param idempotencyKeys the {@code Idempotency-Key} of each record (derived by the caller from the
 *     event, the config and the record), by id; a batch sends one key derived from its records'
 * @param dryRun whether the requests are only built and returned, not sent
 * @param lastTry whether nothing will try these records again (a command's resync): a failure is
 *     then written back {@code failed}, not {@code pending}
 */
public record SyncRequest(
    SyncConfig config,
    String operation,
    String model,
    List<Long> ids,
    Map<Long, Map<String, Object>> known,
    Map<Long, String> idempotencyKeys,
    boolean dryRun,
    boolean lastTry) {

  public SyncRequest {
    Objects.requireNonNull(config, "config");
    if (!SyncConfig.OPERATIONS.contains(operation)) {
      throw new IllegalArgumentException("unknown operation " + operation);
    }
    ids = List.copyOf(ids);
    known = Collections.unmodifiableMap(new LinkedHashMap<>(known));
    idempotencyKeys = Collections.unmodifiableMap(new LinkedHashMap<>(idempotencyKeys));
  }

  /** A request whose failed records are tried again later (the pipeline's). */
  public SyncRequest(
      SyncConfig config,
      String operation,
      String model,
      List<Long> ids,
      Map<Long, Map<String, Object>> known,
      Map<Long, String> idempotencyKeys,
      boolean dryRun) {
    this(config, operation, model, ids, known, idempotencyKeys, dryRun, false);
  }
}
