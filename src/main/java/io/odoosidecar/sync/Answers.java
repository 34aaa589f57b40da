package io.odoosidecar.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decodes answers and matches a batch's answer back to its records.
 *
 * <p>The rule, in order: the answer's list is the answer itself when it is a JSON array, else the
 * list under {@code batch-key} when the config has one and the answer carries it. When every item
 * of that list is an object carrying the identifier's key, each record gets the item whose value
 * there equals the one it sent, or {@link Missing} when the answer has none (the record then fails,
 * not finally: the API may not have taken it, and a later try sends it again); otherwise, when the
 * list has as many items as the batch has records, they are matched by position; otherwise every
 * record gets the whole answer.
 */
final class Answers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Answers() {}

  /** The part of a record an identifier-matched answer has no item for. */
  record Missing(Object identifier) {
    String error() {
      return "the answer has no item for identifier " + identifier;
    }
  }

  /** The body decoded as JSON, else its text; null when empty. */
  static Object decode(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return JSON.readValue(body, Object.class);
    } catch (IOException e) {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * Each record's part of an answer.
   *
   * @param ids the batch's records, in the order sent
   * @param bodies what each sent
   */
  static Map<Long, Object> match(
      SyncConfig config, List<Long> ids, Map<Long, Map<String, Object>> bodies, Object answer) {
    Map<Long, Object> out = new LinkedHashMap<>();
    List<?> list = list(config, answer);
    String key = config.identifier().key();
    if (ids.size() == 1 && (list == null || list.size() != 1)) {
      out.put(ids.get(0), answer);
    } else if (list != null && !list.isEmpty() && list.stream().allMatch(i -> carries(i, key))) {
      for (Long id : ids) {
        Object sent = BodyBuilder.get(bodies.get(id), key);
        out.put(
            id,
            list.stream()
                .filter(i -> same(BodyBuilder.get(i, key), sent))
                .<Object>map(i -> i)
                .findFirst()
                .orElse(new Missing(sent)));
      }
    } else if (list != null && list.size() == ids.size()) {
      for (int i = 0; i < ids.size(); i++) {
        out.put(ids.get(i), list.get(i));
      }
    } else {
      ids.forEach(id -> out.put(id, answer));
    }
    return out;
  }

  private static List<?> list(SyncConfig config, Object answer) {
    if (answer instanceof List<?> list) {
      return list;
    }
    if (config.batchKey() != null
        && answer instanceof Map<?, ?> map
        && map.get(config.batchKey()) instanceof List<?> list) {
      return list;
    }
    return null;
  }

  private static boolean carries(Object item, String key) {
    return item instanceof Map<?, ?> && BodyBuilder.get(item, key) != null;
  }

  /** Identifiers compared as text: {@code 12} sent may come back as {@code "12"}. */
  private static boolean same(Object a, Object b) {
    return a != null && b != null && Objects.equals(String.valueOf(a), String.valueOf(b));
  }
}
