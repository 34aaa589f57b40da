package io.odoosidecar.pipeline;

import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the addon's change events on the RPC endpoint: {@code execute_kw(db, uid, secret,
 * 'sidecar.event', 'push', [batch])}, and stores them in the event log before answering.
 *
 * <p>A batch is {@code {'nonce': str, 'sent_at': epoch seconds, 'events': [...]}}; each event is
 * {@code {'id': outbox id, 'model', 'op': create|write|unlink|message, 'ids', 'fields', 'old': {id:
 * {field: value}}, 'values': {id: {...}}, 'write_date': {id: str}, 'uid', 'at', 'context':
 * {'chain', 'depth'}, 'message': {...}}} (ids as text keys, as XML-RPC structs need). The answer is
 * {@code {'accepted', 'duplicates', 'last_outbox_id'}}; an event already stored (same outbox id and
 * record) counts as a duplicate, so a retried push is harmless.
 *
 * <p>Refused, with nothing stored: a wrong secret or signature (401), a malformed batch or event
 * (400, naming the event and key), a batch sent outside the time window or whose nonce was seen
 * before (409), a body over the size limit (413, by the endpoint), more events than allowed (413).
 * In {@code secret} mode the call's password is compared with the shared secret in constant time;
 * in {@code hmac} mode the request carries {@code X-Sidecar-Timestamp} and {@code
 * X-Sidecar-Signature: sha256=HEX}, the HMAC-SHA256 of {@code timestamp + "." + body} under the
 * secret, and the secret itself never travels.
 */
public final class PushReceiver implements RpcEndpoint.Service {
  private static final Logger LOG = LoggerFactory.getLogger(PushReceiver.class);
  private static final Set<String> OPERATIONS = Set.of("create", "write", "unlink", "message");
  private static final long SIDECAR_UID = 1;

  /** How pushes are authenticated. */
  public enum Auth {
    SECRET,
    HMAC
  }

  /**
   * @param secret the shared secret
   * @param auth how it is proved
   * @param window how far a batch's {@code sent_at} (and an HMAC's time stamp) may be from now
   * @param maxEvents the most events one batch may hold
   */
  public record Settings(Secret secret, Auth auth, Duration window, int maxEvents) {}

  private final Settings settings;
  private final EventLog log;
  private final Set<String> databases;
  private final Runnable wake;
  private final Clock clock;
  private final Supplier<Map<String, Object>> watchList;

  /**
   * @param databases the databases the sidecar serves (a push for another is refused)
   * @param wake called after events were stored
   * @param watchList what the rules need to see, for {@code sidecar.event.watch_list}
   */
  public PushReceiver(
      Settings settings,
      EventLog log,
      Set<String> databases,
      Runnable wake,
      Clock clock,
      Supplier<Map<String, Object>> watchList) {
    this.settings = settings;
    this.log = log;
    this.databases = Set.copyOf(databases);
    this.wake = wake;
    this.clock = clock;
    this.watchList = watchList;
  }

  @Override
  public Map<String, Object> version() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("server_version", "odoo-sidecar");
    out.put("server_version_info", List.of(1, 0, 0, "final", 0, ""));
    out.put("server_serie", "sidecar");
    out.put("protocol_version", 1);
    return out;
  }

  @Override
  public OptionalLong authenticate(
      String database, String login, String password, RpcEndpoint.Request request) {
    try {
      check(password, request);
      return OptionalLong.of(SIDECAR_UID);
    } catch (RpcFault refused) {
      return OptionalLong.empty();
    }
  }

  @Override
  public Object execute(
      String database,
      long uid,
      String password,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs,
      RpcEndpoint.Request request)
      throws RpcFault {
    check(password, request);
    if (!model.equals("sidecar.event")) {
      throw RpcFault.malformed("Object " + model + " doesn't exist on the sidecar");
    }
    switch (method) {
      case "push":
        if (args.isEmpty() || !(args.get(0) instanceof Map<?, ?> batch)) {
          throw RpcFault.malformed("push takes one argument: the batch");
        }
        try {
          return push(database, ValueCodec.asMap(batch));
        } catch (StoreUnavailableException e) { // retryable: the addon keeps its rows
          throw new RpcFault(503, 1, "werkzeug.exceptions.ServiceUnavailable", e.getMessage());
        }
      case "watch_list":
        return watchList.get();
      default:
        throw RpcFault.malformed("sidecar.event has no method " + method);
    }
  }

  private void check(String password, RpcEndpoint.Request request) throws RpcFault {
    byte[] secret = settings.secret().reveal().getBytes(StandardCharsets.UTF_8);
    if (settings.auth() == Auth.SECRET) {
      if (!MessageDigest.isEqual(
          digest(secret), digest(password.getBytes(StandardCharsets.UTF_8)))) {
        throw RpcFault.denied("Access Denied");
      }
      return;
    }
    String stamp = request.header("X-Sidecar-Timestamp");
    String signature = request.header("X-Sidecar-Signature");
    if (stamp == null || signature == null || !signature.startsWith("sha256=")) {
      throw RpcFault.denied("Access Denied: X-Sidecar-Timestamp and X-Sidecar-Signature required");
    }
    byte[] expected = hmac(secret, stamp, request.body());
    byte[] given;
    try {
      given = HexFormat.of().parseHex(signature.substring("sha256=".length()));
    } catch (IllegalArgumentException e) {
      throw RpcFault.denied("Access Denied: signature is not hexadecimal");
    }
    if (!MessageDigest.isEqual(expected, given)) {
      throw RpcFault.denied("Access Denied: bad signature");
    }
    checkTime(parseSeconds(stamp, "X-Sidecar-Timestamp"), "X-Sidecar-Timestamp");
  }

  /** The HMAC-SHA256 of {@code stamp + "." + body} under the secret. */
  public static byte[] hmac(byte[] secret, String stamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(stamp.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '.');
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] digest(byte[] value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private Map<String, Object> push(String database, Map<String, Object> batch) throws RpcFault {
    if (!databases.contains(database)) {
      throw RpcFault.malformed(
          "database " + database + " is not served by this sidecar (known: " + databases + ")");
    }
    Object nonce = batch.get("nonce");
    if (!(nonce instanceof String n) || n.length() < 8 || n.length() > 128) {
      throw RpcFault.malformed("batch.nonce: must be text of 8 to 128 characters");
    }
    Instant sentAt = Instant.ofEpochMilli(Math.round(seconds(batch.get("sent_at")) * 1000));
    checkTime(sentAt, "batch.sent_at");
    if (!(batch.get("events") instanceof List<?> events)) {
      throw RpcFault.malformed("batch.events: must be a list");
    }
    if (events.size() > settings.maxEvents()) {
      throw new RpcFault(
          413,
          2,
          "odoo.exceptions.ValidationError",
          "batch.events: "
              + events.size()
              + " events, more than the limit of "
              + settings.maxEvents());
    }
    List<EventLog.NewEvent> rows = new ArrayList<>();
    long lastOutbox = 0;
    for (int i = 0; i < events.size(); i++) {
      lastOutbox = Math.max(lastOutbox, event(database, i, events.get(i), rows));
    }
    Instant now = clock.instant();
    if (!log.acceptNonce(n, now, now.minus(settings.window().multipliedBy(2)))) {
      throw new RpcFault(
          409,
          2,
          "odoo.exceptions.ValidationError",
          "replayed push: nonce " + n + " was already received");
    }
    List<Long> stored = log.append(rows, now);
    if (!stored.isEmpty()) {
      wake.run();
    }
    LOG.debug("push of {} events: {} stored", rows.size(), stored.size());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accepted", stored.size());
    out.put("duplicates", rows.size() - stored.size());
    out.put("last_outbox_id", lastOutbox);
    return out;
  }

  private long event(String database, int index, Object raw, List<EventLog.NewEvent> rows)
      throws RpcFault {
    String at = "events[" + index + "]";
    if (!(raw instanceof Map<?, ?> map)) {
      throw RpcFault.malformed(at + ": must be a struct");
    }
    Map<String, Object> event = ValueCodec.asMap(map);
    long outbox = positive(event.get("id"), at + ".id");
    Object model = event.get("model");
    if (!(model instanceof String m) || !m.matches("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*")) {
      throw RpcFault.malformed(at + ".model: must be a model name, got " + model);
    }
    Object op = event.get("op");
    if (!(op instanceof String operation) || !OPERATIONS.contains(operation)) {
      throw RpcFault.malformed(at + ".op: must be one of " + OPERATIONS + ", got " + op);
    }
    if (!(event.get("ids") instanceof List<?> ids) || ids.isEmpty()) {
      throw RpcFault.malformed(at + ".ids: must be a non-empty list of record ids");
    }
    List<String> fields = strings(event.get("fields"), at + ".fields");
    Map<String, Object> old = map(event.get("old"), at + ".old");
    Map<String, Object> values = map(event.get("values"), at + ".values");
    Map<String, Object> versions = map(event.get("write_date"), at + ".write_date");
    Map<String, Object> context = map(event.get("context"), at + ".context");
    Map<String, Object> message = map(event.get("message"), at + ".message");
    if (operation.equals("message") && message.isEmpty()) {
      throw RpcFault.malformed(at + ".message: a message event describes its message");
    }
    List<String> chain = strings(context.get("chain"), at + ".context.chain");
    int depth =
        context.get("depth") == null
            ? 0
            : (int) nonNegative(context.get("depth"), at + ".context.depth");
    long uid = event.get("uid") == null ? 0 : nonNegative(event.get("uid"), at + ".uid");
    Object when = event.get("at");
    for (int j = 0; j < ids.size(); j++) {
      long id = positive(ids.get(j), at + ".ids[" + j + "]");
      String key = Long.toString(id);
      ChangePayload payload =
          new ChangePayload(
              operation,
              fields,
              map(old.get(key), at + ".old." + key),
              map(values.get(key), at + ".values." + key),
              uid,
              when instanceof String s ? s : null,
              "push",
              outbox,
              chain,
              depth,
              message,
              null);
      Object version = versions.get(key);
      rows.add(
          new EventLog.NewEvent(
              database,
              "outbox:" + outbox + ":" + id,
              m,
              id,
              operation,
              payload.toJson(),
              version instanceof String v ? v : null));
    }
    return outbox;
  }

  private void checkTime(Instant sent, String key) throws RpcFault {
    Duration skew = Duration.between(sent, clock.instant()).abs();
    if (skew.compareTo(settings.window()) > 0) {
      throw new RpcFault(
          409,
          2,
          "odoo.exceptions.ValidationError",
          key
              + ": sent at "
              + sent
              + ", "
              + skew.toSeconds()
              + " s from now, outside the window of "
              + settings.window().toSeconds()
              + " s (a replay, or clocks out of step)");
    }
  }

  private static Instant parseSeconds(String text, String key) throws RpcFault {
    try {
      return Instant.ofEpochMilli(Math.round(Double.parseDouble(text) * 1000));
    } catch (NumberFormatException e) {
      throw RpcFault.malformed(key + ": must be seconds since the epoch, got " + text);
    }
  }

  private static double seconds(Object value) throws RpcFault {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw RpcFault.malformed("batch.sent_at: must be seconds since the epoch, got " + value);
  }

  private static long positive(Object value, String key) throws RpcFault {
    if (value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() > 0) {
      return n.longValue();
    }
    throw RpcFault.malformed(key + ": must be a positive integer, got " + value);
  }

  private static long nonNegative(Object value, String key) throws RpcFault {
    if (value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= 0) {
      return n.longValue();
    }
    throw RpcFault.malformed(key + ": must be a non-negative integer, got " + value);
  }

  private static List<String> strings(Object value, String key) throws RpcFault {
    if (value == null || Boolean.FALSE.equals(value)) {
      return List.of();
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw RpcFault.malformed(key + ": must be a list of names, got " + value);
  }

  private static Map<String, Object> map(Object value, String key) throws RpcFault {
    if (value == null || Boolean.FALSE.equals(value)) {
      return Map.of();
    }
    if (value instanceof Map<?, ?> map) {
      return ValueCodec.asMap(map);
    }
    throw RpcFault.malformed(key + ": must be a struct, got " + value);
  }
}
