package io.odoosidecar.pipeline;

import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.RpcEndpoint.RpcFault;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.PushNonces;
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
 * {'chain', 'depth'}, 'message': {...}, 'snapshot': {id: {field: value}}}} (ids as text keys, as
 * XML-RPC structs need; {@code snapshot}, on a deletion only, holds the values the deleted records
 * had of the fields their actions read, kept with each record's event). The answer is {@code
 * {'accepted', 'duplicates', 'last_outbox_id'}}; an event already stored (same outbox id and
 * record) counts as a duplicate, so a retried push is harmless.
 *
 * <p>Refused, with nothing stored: a wrong secret or signature (401), a malformed batch or event
 * (400, naming the event and key: ids, uids and outbox ids are PostgreSQL integers from 1 to
 * 2147483647, taken exactly and never wrapped; {@code context.depth} from 0 to {@value #MAX_DEPTH};
 * model and field names at most {@value #MAX_NAME} characters, rule names {@value #MAX_RULE_NAME},
 * dates {@value #MAX_DATE}), a batch sent outside the time window or whose nonce was seen before
 * (409), a body over the size limit (413, by the endpoint), more events or more records (the rows
 * it would store) than allowed (413, naming the setting), a record named twice in one event, more
 * than {@value #MAX_FIELDS} fields, a message struct over {@value #MAX_MESSAGE_BYTES} bytes of JSON
 * or a message event naming other than one record, a snapshot on another operation than unlink, or
 * a record's snapshot of more than {@value #MAX_FIELDS} fields or with overlong field names (400),
 * or payloads that together would exceed {@value #STORED_PER_BODY} times {@code
 * push.max-body-bytes} (413: each record's payload copies its event's fields, chain and message;
 * snapshots count as old values do). In {@code secret} mode the call's password is compared with
 * the shared secret in constant time; in {@code hmac} mode the request carries {@code
 * X-Sidecar-Timestamp} and {@code X-Sidecar-Signature: sha256=HEX}, the HMAC-SHA256 of {@code
 * timestamp + "." + body} under the secret, checked before the body is parsed ({@link #admit}); the
 * secret itself never travels, and each signature is accepted once (a replay of any call is refused
 * with 409, also after a restart: the signatures seen are kept in {@link PushNonces}).
 */
public final class PushReceiver implements RpcEndpoint.Service {
  private static final Logger LOG = LoggerFactory.getLogger(PushReceiver.class);
  private static final Set<String> OPERATIONS = Set.of("create", "write", "unlink", "message");
  private static final long SIDECAR_UID = 1;

  /** The largest id PostgreSQL's {@code integer} holds: Odoo's record ids, uids, outbox ids. */
  static final long MAX_ID = Integer.MAX_VALUE;

  /** The deepest {@code context.depth} accepted (the longest {@code pipeline.max-depth}). */
  static final int MAX_DEPTH = 100;

  /** The longest model or field name accepted. */
  static final int MAX_NAME = 128;

  /** The longest rule name in a chain (the event log keeps rule names in 512 characters). */
  static final int MAX_RULE_NAME = 512;

  /** The longest date text ({@code at}, {@code write_date}): the event log keeps 64. */
  static final int MAX_DATE = 64;

  /** The default of {@code push.max-records}. */
  public static final int DEFAULT_MAX_RECORDS = 10_000;

  /** The default of {@code push.max-body-bytes}. */
  public static final int DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

  /** The most field names one event may list. */
  static final int MAX_FIELDS = 1000;

  /** The largest {@code message} struct accepted, as JSON. */
  static final int MAX_MESSAGE_BYTES = 1024 * 1024;

  /** How many times the body limit one push may store, once copied into its records' payloads. */
  static final int STORED_PER_BODY = 4;

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

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
   * @param maxRecords the most records its events may name together: the rows it stores
   * @param maxBodyBytes the largest body accepted ({@code push.max-body-bytes}); a push may store
   *     at most {@value #STORED_PER_BODY} times as much
   */
  public record Settings(
      Secret secret, Auth auth, Duration window, int maxEvents, int maxRecords, int maxBodyBytes) {
    /** Settings with the default {@code push.max-body-bytes}. */
    public Settings(Secret secret, Auth auth, Duration window, int maxEvents, int maxRecords) {
      this(secret, auth, window, maxEvents, maxRecords, DEFAULT_MAX_BODY_BYTES);
    }

    /** Settings with the default {@code push.max-records} and {@code push.max-body-bytes}. */
    public Settings(Secret secret, Auth auth, Duration window, int maxEvents) {
      this(secret, auth, window, maxEvents, DEFAULT_MAX_RECORDS);
    }
  }

  private final Settings settings;
  private final EventLog log;
  private final PushNonces nonces;
  private final Set<String> databases;
  private final Runnable wake;
  private final Clock clock;
  private final Supplier<Map<String, Object>> watchList;

  /**
   * @param log where the pushed events are stored
   * @param nonces the pushes' nonces and signatures seen (one sent again is refused)
   * @param databases the databases the sidecar serves (a push for another is refused)
   * @param wake called after events were stored
   * @param watchList what the rules need to see, for {@code sidecar.event.watch_list}
   */
  public PushReceiver(
      Settings settings,
      EventLog log,
      PushNonces nonces,
      Set<String> databases,
      Runnable wake,
      Clock clock,
      Supplier<Map<String, Object>> watchList) {
    this.settings = settings;
    this.log = log;
    this.nonces = nonces;
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
      throw RpcFault.malformed("Object " + shown(model) + " doesn't exist on the sidecar");
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
        throw RpcFault.malformed("sidecar.event has no method " + shown(method));
    }
  }

  /**
   * In {@code hmac} mode, checks the signature headers (present, well formed, in the window, the
   * HMAC of the raw body) before the body is parsed, and refuses a signature already received
   * (409), whatever the method called.
   */
  @Override
  public void admit(RpcEndpoint.Request request) throws RpcFault {
    if (settings.auth() != Auth.HMAC) {
      return;
    }
    byte[] signature = verifySignature(request);
    Instant now = clock.instant();
    String key = "hmac:" + HexFormat.of().formatHex(signature);
    if (!nonces.accept(key, now, now.minus(settings.window().multipliedBy(2)))) {
      throw new RpcFault(
          409,
          2,
          "odoo.exceptions.ValidationError",
          "replayed request: this X-Sidecar-Signature was already received");
    }
  }

  private void check(String password, RpcEndpoint.Request request) throws RpcFault {
    if (settings.auth() == Auth.SECRET) {
      byte[] secret = settings.secret().reveal().getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(
          digest(secret), digest(password.getBytes(StandardCharsets.UTF_8)))) {
        throw RpcFault.denied("Access Denied");
      }
      return;
    }
    verifySignature(request);
  }

  /** The signature of a request, checked: its headers, its time, the HMAC of its body. */
  private byte[] verifySignature(RpcEndpoint.Request request) throws RpcFault {
    String stamp = request.header("X-Sidecar-Timestamp");
    String signature = request.header("X-Sidecar-Signature");
    if (stamp == null || signature == null || !signature.startsWith("sha256=")) {
      throw RpcFault.denied("Access Denied: X-Sidecar-Timestamp and X-Sidecar-Signature required");
    }
    String hex = signature.substring("sha256=".length());
    if (hex.length() != 64) {
      throw RpcFault.denied("Access Denied: signature must be 64 hexadecimal digits");
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw RpcFault.denied("Access Denied: signature is not hexadecimal");
    }
    if (stamp.length() > 32) {
      throw RpcFault.denied("Access Denied: X-Sidecar-Timestamp is not seconds since the epoch");
    }
    byte[] secret = settings.secret().reveal().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(hmac(secret, stamp, request.body()), given)) {
      throw RpcFault.denied("Access Denied: bad signature");
    }
    checkTime(parseSeconds(stamp, "X-Sidecar-Timestamp"), "X-Sidecar-Timestamp");
    return given;
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
          "database "
              + shown(database)
              + " is not served by this sidecar (known: "
              + databases
              + ")");
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
      throw tooLarge(
          "batch.events: "
              + events.size()
              + " events, more than the limit of "
              + settings.maxEvents()
              + " (push.max-events)");
    }
    checkRecordCount(events);
    List<Event> parsed = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      parsed.add(event(i, events.get(i)));
    }
    checkStoredSize(parsed);
    List<EventLog.NewEvent> rows = new ArrayList<>();
    long lastOutbox = 0;
    for (Event event : parsed) {
      rows(database, event, rows);
      lastOutbox = Math.max(lastOutbox, event.outbox());
    }
    Instant now = clock.instant();
    if (!nonces.accept(n, now, now.minus(settings.window().multipliedBy(2)))) {
      throw new RpcFault(
          409,
          2,
          "odoo.exceptions.ValidationError",
          "replayed push: nonce " + n + " was already received");
    }
    List<EventLog.Event> stored = log.appendEvents(rows, now);
    if (!stored.isEmpty()) {
      wake.run();
    }
    Map<Long, Instant> madeAt = new java.util.HashMap<>();
    parsed.forEach(e -> madeAt.put(e.outbox(), odooTime(e.when())));
    Received.tell(listener, "push", stored, e -> madeAt.get(outboxOf(e.dedupeKey())), now);
    LOG.debug("push of {} events: {} stored", rows.size(), stored.size());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accepted", stored.size());
    out.put("duplicates", rows.size() - stored.size());
    out.put("last_outbox_id", lastOutbox);
    return out;
  }

  /** Refuses a batch whose events name more records (rows to store) than allowed, before any. */
  private void checkRecordCount(List<?> events) throws RpcFault {
    long records = 0;
    for (Object event : events) {
      if (event instanceof Map<?, ?> map && map.get("ids") instanceof List<?> ids) {
        records += ids.size();
      }
    }
    if (records > settings.maxRecords()) {
      throw tooLarge(
          "batch.events: "
              + records
              + " records, more than the limit of "
              + settings.maxRecords()
              + " (push.max-records)");
    }
  }

  /**
   * Refuses a batch whose payloads would be larger, together, than {@value #STORED_PER_BODY} times
   * the body limit: each record's payload copies its event's fields, chain and message, so a small
   * body can ask for many copies of a large part. Estimated before any payload is built.
   */
  private void checkStoredSize(List<Event> events) throws RpcFault {
    long limit = (long) STORED_PER_BODY * settings.maxBodyBytes();
    long estimate = 0;
    for (Event event : events) {
      estimate += event.storedEstimate();
      if (estimate > limit) {
        throw tooLarge(
            "batch.events: the events would store about "
                + estimate
                + " bytes or more, more than "
                + STORED_PER_BODY
                + " times push.max-body-bytes ("
                + limit
                + ")");
      }
    }
  }

  /** The size of a value as JSON, counted without building the text. */
  static long jsonSize(Object value) {
    if (value == null) {
      return 0;
    }
    long[] count = {0};
    java.io.OutputStream counter =
        new java.io.OutputStream() {
          @Override
          public void write(int b) {
            count[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            count[0] += len;
          }
        };
    try {
      JSON.writeValue(counter, value);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot measure a parsed value: " + e.getMessage(), e);
    }
    return count[0];
  }

  /** One event of a batch, checked; its records' payloads are not built yet. */
  private volatile PipelineListener listener = PipelineListener.NONE;

  /** Tells {@code listener} of the events each push stored, with the time of their change. */
  public PushReceiver withListener(PipelineListener listener) {
    this.listener = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Odoo's UTC {@code 'YYYY-MM-DD HH:MM:SS'} as an instant, or null when it is not one. */
  static Instant odooTime(String text) {
    if (text == null || text.length() < 19) {
      return null;
    }
    try {
      return io.odoosidecar.odoo.ValueCodec.parseDateTime(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The outbox row of a pushed event's dedupe key ({@code outbox:<row>:<record>}), or -1. */
  private static long outboxOf(String dedupeKey) {
    String[] parts = dedupeKey.split(":");
    try {
      return parts.length == 3 ? Long.parseLong(parts[1]) : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private record Event(
      String at,
      long outbox,
      String model,
      String operation,
      List<Long> ids,
      List<String> fields,
      Map<String, Object> old,
      Map<String, Object> values,
      Map<String, Object> versions,
      List<String> chain,
      int depth,
      long uid,
      String when,
      Map<String, Object> message,
      long messageSize,
      Map<String, Object> snapshot) {

    /**
     * The bytes its rows would hold: each record copies the shared part, plus its old values,
     * values and snapshot.
     */
    long storedEstimate() {
      long shared = messageSize + jsonSize(fields) + jsonSize(chain);
      return ids.size() * shared + jsonSize(old) + jsonSize(values) + jsonSize(snapshot);
    }
  }

  private static RpcFault tooLarge(String reason) {
    return new RpcFault(413, 2, "odoo.exceptions.ValidationError", reason);
  }

  private Event event(int index, Object raw) throws RpcFault {
    String at = "events[" + index + "]";
    if (!(raw instanceof Map<?, ?> map)) {
      throw RpcFault.malformed(at + ": must be a struct");
    }
    Map<String, Object> event = ValueCodec.asMap(map);
    long outbox = integer(event.get("id"), at + ".id", 1, MAX_ID);
    String m = modelName(event.get("model"), at + ".model");
    Object op = event.get("op");
    if (!(op instanceof String operation) || !OPERATIONS.contains(operation)) {
      throw RpcFault.malformed(at + ".op: must be one of " + OPERATIONS + ", got " + shown(op));
    }
    List<Long> ids = ids(event.get("ids"), at + ".ids");
    List<String> fields = names(event.get("fields"), at + ".fields", MAX_NAME, MAX_FIELDS);
    Map<String, Object> old = map(event.get("old"), at + ".old");
    Map<String, Object> values = map(event.get("values"), at + ".values");
    Map<String, Object> versions = map(event.get("write_date"), at + ".write_date");
    Map<String, Object> context = map(event.get("context"), at + ".context");
    Map<String, Object> message = map(event.get("message"), at + ".message");
    Map<String, Object> snapshot = map(event.get("snapshot"), at + ".snapshot");
    if (!snapshot.isEmpty() && !operation.equals("unlink")) {
      throw RpcFault.malformed(
          at + ".snapshot: only a deletion (op unlink) carries a snapshot, got op " + operation);
    }
    long messageSize = message.isEmpty() ? 0 : jsonSize(message);
    if (messageSize > MAX_MESSAGE_BYTES) {
      throw RpcFault.malformed(
          at + ".message: at most " + MAX_MESSAGE_BYTES + " bytes as JSON, got " + messageSize);
    }
    if (operation.equals("message")) {
      if (message.isEmpty()) {
        throw RpcFault.malformed(at + ".message: a message event describes its message");
      }
      if (ids.size() != 1) {
        throw RpcFault.malformed(
            at + ".ids: a message event names the one record it was posted on, got " + ids.size());
      }
    }
    List<String> chain =
        names(context.get("chain"), at + ".context.chain", MAX_RULE_NAME, MAX_DEPTH);
    int depth =
        context.get("depth") == null
            ? 0
            : (int) integer(context.get("depth"), at + ".context.depth", 0, MAX_DEPTH);
    long uid = event.get("uid") == null ? 0 : integer(event.get("uid"), at + ".uid", 0, MAX_ID);
    Object when = event.get("at");
    if (when instanceof String s && s.length() > MAX_DATE) {
      throw RpcFault.malformed(at + ".at: a date of at most " + MAX_DATE + " characters");
    }
    return new Event(
        at,
        outbox,
        m,
        operation,
        ids,
        fields,
        old,
        values,
        versions,
        chain,
        depth,
        uid,
        when instanceof String s ? s : null,
        message,
        messageSize,
        snapshot);
  }

  /** The record ids of an event: a non-empty list of distinct ids. */
  private static List<Long> ids(Object value, String key) throws RpcFault {
    if (!(value instanceof List<?> ids) || ids.isEmpty()) {
      throw RpcFault.malformed(key + ": must be a non-empty list of record ids");
    }
    List<Long> out = new ArrayList<>(ids.size());
    Set<Long> seen = new java.util.HashSet<>();
    for (int j = 0; j < ids.size(); j++) {
      long id = integer(ids.get(j), key + "[" + j + "]", 1, MAX_ID);
      if (!seen.add(id)) {
        throw RpcFault.malformed(key + "[" + j + "]: record " + id + " is named twice");
      }
      out.add(id);
    }
    return out;
  }

  private static void rows(String database, Event event, List<EventLog.NewEvent> rows)
      throws RpcFault {
    String at = event.at();
    for (long id : event.ids()) {
      String key = Long.toString(id);
      ChangePayload payload =
          new ChangePayload(
              event.operation(),
              event.fields(),
              fieldMap(event.old().get(key), at + ".old." + key),
              fieldMap(event.values().get(key), at + ".values." + key),
              event.uid(),
              event.when(),
              "push",
              event.outbox(),
              event.chain(),
              event.depth(),
              event.message(),
              null,
              snapshot(event.snapshot().get(key), at + ".snapshot." + key));
      Object version = event.versions().get(key);
      if (version instanceof String v && v.length() > MAX_DATE) {
        throw RpcFault.malformed(
            at + ".write_date." + key + ": a date of at most " + MAX_DATE + " characters");
      }
      rows.add(
          new EventLog.NewEvent(
              database,
              "outbox:" + event.outbox() + ":" + id,
              event.model(),
              id,
              event.operation(),
              payload.toJson(),
              version instanceof String v ? v : null));
    }
  }

  private static String modelName(Object model, String key) throws RpcFault {
    if (model instanceof String m
        && m.length() <= MAX_NAME
        && m.matches("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*")) {
      return m;
    }
    throw RpcFault.malformed(
        key + ": must be a model name of at most " + MAX_NAME + " characters, got " + shown(model));
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
      double seconds = Double.parseDouble(text);
      if (Double.isFinite(seconds) && seconds >= 0) {
        return Instant.ofEpochMilli(Math.round(seconds * 1000));
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw RpcFault.malformed(key + ": must be seconds since the epoch, got " + shown(text));
  }

  private static double seconds(Object value) throws RpcFault {
    if (value instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() >= 0) {
      return n.doubleValue();
    }
    throw RpcFault.malformed("batch.sent_at: must be seconds since the epoch, got " + shown(value));
  }

  /**
   * A whole number from {@code min} to {@code max}, exactly as sent: never rounded, never wrapped
   * (a JSON {@code 2**64+7} is not 7).
   */
  static long integer(Object value, String key, long min, long max) throws RpcFault {
    java.math.BigDecimal exact = exact(value);
    if (exact != null
        && exact.stripTrailingZeros().scale() <= 0
        && exact.compareTo(java.math.BigDecimal.valueOf(min)) >= 0
        && exact.compareTo(java.math.BigDecimal.valueOf(max)) <= 0) {
      return exact.longValueExact();
    }
    throw RpcFault.malformed(
        key + ": must be a whole number from " + min + " to " + max + ", got " + shown(value));
  }

  private static java.math.BigDecimal exact(Object value) {
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return java.math.BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof java.math.BigInteger big) {
      return new java.math.BigDecimal(big);
    }
    if (value instanceof java.math.BigDecimal decimal) {
      return decimal;
    }
    if ((value instanceof Double || value instanceof Float)
        && Double.isFinite(((Number) value).doubleValue())) {
      return new java.math.BigDecimal(((Number) value).doubleValue());
    }
    return null;
  }

  /** A value as an error message shows it: at most 40 characters of it. */
  private static String shown(Object value) {
    String text = String.valueOf(value);
    return text.length() > 40
        ? text.substring(0, 40) + "... (" + text.length() + " characters)"
        : text;
  }

  /** A list of names, each at most {@code maxLength} characters, at most {@code maxCount}. */
  private static List<String> names(Object value, String key, int maxLength, int maxCount)
      throws RpcFault {
    List<String> names = strings(value, key);
    if (names.size() > maxCount) {
      throw RpcFault.malformed(key + ": at most " + maxCount + " entries, got " + names.size());
    }
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).length() > maxLength) {
        throw RpcFault.malformed(
            key + "[" + i + "]: at most " + maxLength + " characters, got " + shown(names.get(i)));
      }
    }
    return names;
  }

  /** A struct of one record's values, by field names of at most {@value #MAX_NAME} characters. */
  private static Map<String, Object> fieldMap(Object value, String key) throws RpcFault {
    Map<String, Object> fields = map(value, key);
    for (String field : fields.keySet()) {
      if (field.length() > MAX_NAME) {
        throw RpcFault.malformed(
            key + ": field names of at most " + MAX_NAME + " characters, got " + shown(field));
      }
    }
    return fields;
  }

  /** One record's snapshot: its values of at most {@value #MAX_FIELDS} fields. */
  private static Map<String, Object> snapshot(Object value, String key) throws RpcFault {
    Map<String, Object> fields = fieldMap(value, key);
    if (fields.size() > MAX_FIELDS) {
      throw RpcFault.malformed(key + ": at most " + MAX_FIELDS + " fields, got " + fields.size());
    }
    return fields;
  }

  private static List<String> strings(Object value, String key) throws RpcFault {
    if (value == null || Boolean.FALSE.equals(value)) {
      return List.of();
    }
    if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
      return list.stream().map(String.class::cast).toList();
    }
    throw RpcFault.malformed(key + ": must be a list of names, got " + shown(value));
  }

  private static Map<String, Object> map(Object value, String key) throws RpcFault {
    if (value == null || Boolean.FALSE.equals(value)) {
      return Map.of();
    }
    if (value instanceof Map<?, ?> map) {
      return ValueCodec.asMap(map);
    }
    throw RpcFault.malformed(key + ": must be a struct, got " + shown(value));
  }
}
