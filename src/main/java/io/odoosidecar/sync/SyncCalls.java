package io.odoosidecar.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.http.HttpCall;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a sync's HTTP calls: the URL with its placeholders and parameters, the operation's method,
 * the config's headers, the body (one record's object, or a batch's array), the {@code
 * Idempotency-Key}.
 *
 * <p>A batch holds records whose URL is the same, up to {@code batch} of them, in the request's
 * order. Its key is derived from its records' keys (SHA-256 of them in order), sent only when every
 * record has one.
 */
final class SyncCalls {
  static final String IDEMPOTENCY_KEY = "Idempotency-Key";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A call to make, with the records it carries and their bodies. */
  record Planned(List<Long> ids, HttpCall call, String idempotencyKey) {
    Planned {
      ids = List.copyOf(ids);
    }
  }

  private final SyncConfig config;
  private final String operation;

  SyncCalls(SyncConfig config, String operation) {
    this.config = config;
    this.operation = operation;
  }

  /**
   * The calls for the records {@code urls} names (each record's URL), with their {@code bodies} and
   * their idempotency keys.
   */
  List<Planned> plan(
      Map<Long, URI> urls, Map<Long, Map<String, Object>> bodies, Map<Long, String> keys) {
    Map<URI, List<Long>> byUrl = new LinkedHashMap<>();
    urls.forEach((id, uri) -> byUrl.computeIfAbsent(uri, u -> new ArrayList<>()).add(id));
    List<Planned> out = new ArrayList<>();
    byUrl.forEach(
        (uri, ids) -> {
          for (int from = 0; from < ids.size(); from += config.batch()) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + config.batch()));
            out.add(call(uri, chunk, bodies, keys));
          }
        });
    return out;
  }

  private Planned call(
      URI uri, List<Long> ids, Map<Long, Map<String, Object>> bodies, Map<Long, String> keys) {
    boolean withBody = !operation.equals("unlink") || config.unlinkBody();
    byte[] body = withBody ? json(body(ids, bodies)) : new byte[0];
    HttpCall call =
        new HttpCall(
            config.method(operation),
            uri,
            Map.of(),
            body,
            config.connectTimeout(),
            config.readTimeout());
    call = headers(call, withBody);
    String key = key(ids, keys);
    if (key != null) {
      call = call.withHeader(IDEMPOTENCY_KEY, key);
    }
    return new Planned(ids, call, key);
  }

  private Object body(List<Long> ids, Map<Long, Map<String, Object>> bodies) {
    if (config.batch() == 1) {
      return bodies.get(ids.get(0));
    }
    List<Object> list = ids.stream().map(id -> (Object) bodies.get(id)).toList();
    return config.batchKey() == null ? list : Map.of(config.batchKey(), list);
  }

  private HttpCall headers(HttpCall call, boolean withBody) {
    Map<String, String> lower = new LinkedHashMap<>();
    config.headers().forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
    if (withBody && !lower.containsKey("content-type")) {
      call = call.withHeader("Content-Type", "application/json");
    }
    if (!lower.containsKey("accept")) {
      call = call.withHeader("Accept", "application/json");
    }
    for (Map.Entry<String, String> header : config.headers().entrySet()) {
      call = call.withHeader(header.getKey(), header.getValue());
    }
    return call;
  }

  /** One record's key, or a batch's key derived from its records' keys. */
  static String key(List<Long> ids, Map<Long, String> keys) {
    if (ids.stream().anyMatch(id -> keys.get(id) == null)) {
      return null;
    }
    if (ids.size() == 1) {
      return keys.get(ids.get(0));
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Long id : ids) {
        digest.update(keys.get(id).getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write the body as JSON: " + e.getMessage(), e);
    }
  }
}
