package io.odoosidecar.action;

import io.odoosidecar.sync.IdempotencyKeys;
import io.odoosidecar.sync.SyncConfig;
import io.odoosidecar.sync.SyncConfigLookup;
import io.odoosidecar.sync.SyncConfigs;
import io.odoosidecar.sync.SyncEngine;
import io.odoosidecar.sync.SyncReport;
import io.odoosidecar.sync.SyncReport.RecordResult;
import io.odoosidecar.sync.SyncRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's outbound sync as an action ({@code api_sync}, key {@code sync_config: NAME}): the
 * records go to the external API as the named {@link SyncConfig} says, through the {@link
 * SyncEngine} of the context ({@code service(SyncEngine.class)}, a view on the firing's client so
 * that the write-backs fire no rule) and the configs in force ({@code
 * service(SyncConfigLookup.class)}).
 *
 * <p>The operation is the record's event's: {@code create} for a creation, {@code unlink} for a
 * deletion (sent from what the deletion left: the old values and the snapshot), {@code write} for
 * anything else (a write, a timed rule, a webhook, a message, or a caller outside the pipeline).
 * The values the change left are given to the engine, which reads only what they lack. Each record
 * carries {@link IdempotencyKeys#of} its event, the config and itself: the same key for every try
 * of that event, retries, restarts and replays included.
 *
 * <p>Records the API refused with a final answer (4xx) are failures another try cannot cure ({@link
 * PartialFailureException#finals()}: parked at once, the answer's status and body in the reason);
 * records whose tries were all used fail for a later try of their events; the others are done. A
 * config that is not in force (removed by a reload), or of another model than the rule's, parks the
 * events ({@link UnsupportedActionException}).
 */
final class ApiSyncAction implements ActionExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(ApiSyncAction.class);

  @Override
  public String run(ActionContext context, ActionTarget target) {
    SyncConfig config = config(context, target);
    SyncEngine engine = context.service(SyncEngine.class);
    Map<String, List<Long>> byOperation = new LinkedHashMap<>();
    for (Long id : target.ids()) {
      byOperation.computeIfAbsent(operation(target, id), op -> new ArrayList<>()).add(id);
    }
    Map<Long, Map<String, Object>> known = new LinkedHashMap<>();
    known.putAll(context.known(target.model(), target.ids()));
    List<Long> done = new ArrayList<>();
    Map<Long, String> failed = new LinkedHashMap<>();
    Set<Long> finals = new HashSet<>();
    byOperation.forEach(
        (operation, ids) -> {
          Map<Long, Map<String, Object>> values =
              operation.equals("unlink") ? context.deleted(target.model(), ids) : known;
          SyncReport report =
              engine.sync(
                  new SyncRequest(
                      config,
                      operation,
                      target.model(),
                      ids,
                      only(values, ids),
                      keys(target, config, ids),
                      false));
          for (RecordResult result : report.results()) {
            settle(target, config, operation, result, done, failed, finals);
          }
        });
    if (!failed.isEmpty()) {
      throw new PartialFailureException(done, failed, finals);
    }
    return "synced " + done.size() + " " + target.model() + " with '" + config.name() + "'";
  }

  private static SyncConfig config(ActionContext context, ActionTarget target) {
    Object name = target.action().get(SyncConfigs.ACTION_KEY);
    if (!(name instanceof String text) || text.isBlank()) {
      throw new UnsupportedActionException(
          target.where() + ": api_sync needs " + SyncConfigs.ACTION_KEY + ": the config's name");
    }
    SyncConfig config =
        context
            .service(SyncConfigLookup.class)
            .find(text.trim())
            .orElseThrow(
                () ->
                    new UnsupportedActionException(
                        target.where() + ": no sync config '" + text.trim() + "' is in force"));
    if (!config.model().equals(target.model())) {
      throw new UnsupportedActionException(
          target.where()
              + ": sync config '"
              + config.name()
              + "' syncs "
              + config.model()
              + ", not "
              + target.model());
    }
    return config;
  }

  /** {@code create} for a creation, {@code unlink} for a deletion, {@code write} otherwise. */
  static String operation(ActionTarget target, long id) {
    String operation = target.operation(id).orElse("write");
    return operation.equals("create") || operation.equals("unlink") ? operation : "write";
  }

  private static Map<Long, Map<String, Object>> only(
      Map<Long, Map<String, Object>> values, List<Long> ids) {
    Map<Long, Map<String, Object>> out = new LinkedHashMap<>();
    ids.forEach(
        id -> {
          if (values.containsKey(id)) {
            out.put(id, values.get(id));
          }
        });
    return out;
  }

  /** Each record's key: its event's, or, outside the pipeline, the action run's. */
  private static Map<Long, String> keys(ActionTarget target, SyncConfig config, List<Long> ids) {
    Map<Long, String> keys = new LinkedHashMap<>();
    for (Long id : ids) {
      Long event = target.eventOf().get(id);
      keys.put(
          id,
          event != null
              ? IdempotencyKeys.of(event, config.name(), id)
              : IdempotencyKeys.adHoc(target.key(id), config.name(), id));
    }
    return keys;
  }

  private static void settle(
      ActionTarget target,
      SyncConfig config,
      String operation,
      RecordResult result,
      List<Long> done,
      Map<Long, String> failed,
      Set<Long> finals) {
    long id = result.id();
    if (result.success()) {
      done.add(id);
      if (result.error() != null) {
        LOG.warn(
            "{}: {} {} synced with '{}', but: {}",
            target.where(),
            target.model(),
            id,
            config.name(),
            result.error());
      }
      return;
    }
    failed.put(id, "sync '" + config.name() + "' " + operation + ": " + result.error());
    if (result.finalRejection()) {
      finals.add(id);
    }
  }
}
