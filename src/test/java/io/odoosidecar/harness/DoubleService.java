package io.odoosidecar.harness;

import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.RpcEndpoint.Request;
import io.odoosidecar.server.RpcEndpoint.RpcFault;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Odoo's {@code common} and {@code object} services over a {@link MemoryOdoo}, as the HTTP double
 * serves them to a sidecar process: every call is answered after a fixed latency (Odoo's cost is
 * its round trip, not its CPU), counted by model and method, and the writes and message posts made
 * over RPC are kept in {@link DoubleEffects}.
 *
 * <p>Beyond what MemoryOdoo answers: {@code search_count}; models it does not hold answer searches
 * with nothing (the addon's modules, {@code base.automation}, {@code ir.cron}: a database without
 * the addon); {@code mail.compose.message} in comment mode and {@code message_post} post one
 * message per record; {@code ir.config_parameter.set_param}/{@code get_param} keep values.
 */
final class DoubleService implements RpcEndpoint.Service {
  static final long UID = 2;

  private final MemoryOdoo memory;
  private final String database;
  private final String password;
  private final Duration latency;
  private final Clock clock;
  private final DoubleEffects effects = new DoubleEffects();
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<Long, Map<String, Object>> composers = new ConcurrentHashMap<>();
  private final Map<String, Object> parameters = new ConcurrentHashMap<>();
  private final AtomicLong nextComposer = new AtomicLong(1);

  DoubleService(
      MemoryOdoo memory, String database, String password, Duration latency, Clock clock) {
    this.memory = memory;
    this.database = database;
    this.password = password;
    this.latency = latency;
    this.clock = clock;
  }

  DoubleEffects effects() {
    return effects;
  }

  /** The calls answered, by {@code model.method} ({@code common.version} for the common ones). */
  Map<String, Long> calls() {
    Map<String, Long> out = new java.util.TreeMap<>();
    calls.forEach((key, n) -> out.put(key, n.sum()));
    return out;
  }

  @Override
  public Map<String, Object> version() {
    pause("common.version");
    Map<String, Object> version = new LinkedHashMap<>();
    version.put("server_version", "18.0");
    version.put("server_version_info", List.of(18, 0, 0, "final", 0, ""));
    version.put("server_serie", "18.0");
    version.put("protocol_version", 1);
    return version;
  }

  @Override
  public OptionalLong authenticate(String db, String login, String given, Request request) {
    pause("common.authenticate");
    return database.equals(db) && password.equals(given)
        ? OptionalLong.of(UID)
        : OptionalLong.empty();
  }

  @Override
  public Object execute(
      String db,
      long uid,
      String given,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs,
      Request request)
      throws RpcFault {
    pause(model + "." + method);
    if (!database.equals(db) || uid != UID || !password.equals(given)) {
      throw RpcFault.denied("Access Denied");
    }
    try {
      return answer(model, method, args, kwargs);
    } catch (RuntimeException e) { // Odoo's own faults are answered with 200
      throw new RpcFault(200, 1, "odoo.exceptions.UserError", String.valueOf(e.getMessage()));
    }
  }

  private void pause(String key) {
    calls.computeIfAbsent(key, k -> new LongAdder()).increment();
    if (latency.isZero()) {
      return;
    }
    try {
      Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Object answer(
      String model, String method, List<Object> args, Map<String, Object> kwargs) {
    switch (model + "." + method) {
      case "mail.compose.message.create":
        return compose(args);
      case "mail.compose.message.action_send_mail":
        return send(args);
      case "ir.config_parameter.set_param":
        parameters.put(String.valueOf(kwargs.get("key")), kwargs.get("value"));
        return Boolean.TRUE;
      case "ir.config_parameter.get_param":
        return parameters.getOrDefault(String.valueOf(kwargs.get("key")), Boolean.FALSE);
      default:
        break;
    }
    if (method.equals("message_post")) {
      effects.posted(model, ValueCodec.asIds(args.get(0)), "message_post", clock.instant());
      return 1;
    }
    if (memory.records(model) == null) {
      return absent(model, method);
    }
    if (method.equals("search_count")) {
      return ((List<?>) call(model, "search", args.subList(0, 1), Map.of())).size();
    }
    if (method.equals("create") && !args.isEmpty() && args.get(0) instanceof Map<?, ?> one) {
      List<Object> list = new ArrayList<>(args);
      list.set(0, List.of(one));
      return ((List<?>) call(model, method, list, kwargs)).get(0);
    }
    Object result = call(model, method, args, kwargs);
    if (method.equals("write")) {
      effects.wrote(model, ValueCodec.asIds(args.get(0)), clock.instant());
    }
    return result;
  }

  /** A model the double does not hold: searches find nothing, other calls fail as Odoo's do. */
  private static Object absent(String model, String method) {
    return switch (method) {
      case "search", "search_read" -> List.of();
      case "search_count" -> 0;
      case "fields_get" -> Map.of(); // a module not installed: base.automation, ir.cron
      default -> throw new IllegalArgumentException("Object " + model + " doesn't exist");
    };
  }

  private Object call(String model, String method, List<Object> args, Map<String, Object> kwargs) {
    Map<String, Object> context =
        kwargs.get("context") instanceof Map<?, ?> given ? ValueCodec.asMap(given) : Map.of();
    Map<String, Object> rest = new LinkedHashMap<>(kwargs);
    rest.remove("context");
    memory.now(
        ValueCodec.DATETIME.format(clock.instant().atOffset(ZoneOffset.UTC).toLocalDateTime()));
    return memory.withContext(context).executeKw(model, method, args, rest);
  }

  private Object compose(List<Object> args) {
    Object values = args.get(0) instanceof List<?> list ? list.get(0) : args.get(0);
    long id = nextComposer.getAndIncrement();
    composers.put(id, ValueCodec.asMap(values));
    return args.get(0) instanceof List<?> ? List.of(id) : id;
  }

  /** The composer in comment mode: one message on each of its records. */
  private Object send(List<Object> args) {
    Instant now = clock.instant();
    for (Long id : ValueCodec.asIds(args.get(0))) {
      Map<String, Object> composer = composers.remove(id);
      if (composer == null) {
        throw new IllegalStateException("Record does not exist: mail.compose.message " + id);
      }
      String ids = String.valueOf(composer.get("res_ids")).replaceAll("[\\[\\] ]", "");
      List<Long> records = new ArrayList<>();
      for (String one : ids.split(",")) {
        if (!one.isEmpty()) {
          records.add(Long.parseLong(one));
        }
      }
      effects.posted(
          String.valueOf(composer.get("model")),
          records,
          "subtype " + composer.get("subtype_id"),
          now);
    }
    return Boolean.TRUE;
  }

  /** Odoo's clock for the changes the harness makes itself, as it would stamp them. */
  String now() {
    return ValueCodec.DATETIME.format(clock.instant().atOffset(ZoneOffset.UTC).toLocalDateTime());
  }
}
