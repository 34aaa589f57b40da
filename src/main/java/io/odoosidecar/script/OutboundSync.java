package io.odoosidecar.script;

import java.time.Duration;
import java.util.List;

/**
 * The outbound API sync a code action reaches as BJET's {@code bj.api.sync} does: {@code
 * env['bj.api.sync.config']._make_outbound_http_request(records, config_id_ref, timeout=...)} sends
 * the records through the sync named by {@code configRef} and answers what became of each.
 *
 * <p>The sidecar's sync engine implements it; the Python engine only carries the call there (see
 * {@link PythonEngine#withOutboundSync}). A call that fails as a whole (an unknown config, say)
 * throws; a record the far side refused or that could not be sent is an {@link Answer} that did not
 * succeed.
 */
@FunctionalInterface
public interface OutboundSync {

  /** No sync: a code action's call fails with a Python {@code UserError} saying so. */
  OutboundSync NONE =
      (model, ids, configRef, timeout) -> {
        throw new IllegalStateException("no outbound API sync is configured in the sidecar");
      };

  /**
   * What became of one record.
   *
   * @param id the record
   * @param success whether the far side took it (a 2xx answer)
   * @param statusCode the last HTTP status, or 0 when no answer came
   * @param response the answer's body, decoded from JSON when it is JSON (maps, lists, strings,
   *     numbers, booleans, null), its text otherwise; null when no answer came
   * @param error why it did not succeed, or null
   */
  record Answer(long id, boolean success, int statusCode, Object response, String error) {}

  /**
   * Sends {@code ids} through a sync config and answers for each, in the order of {@code ids}.
   *
   * @param model the records' model, or null when the code gave bare ids: the config's own model
   * @param ids the records, at least one
   * @param configRef the config as the code named it: its name ({@code "customers"}), an id (a
   *     {@link Long}), or an external id ({@code "module.name"}) — the implementation resolves it
   * @param timeout the code's {@code timeout=} (a request's time-out), or null for the config's
   * @return one answer per record of {@code ids}
   */
  List<Answer> call(String model, List<Long> ids, Object configRef, Duration timeout);
}
