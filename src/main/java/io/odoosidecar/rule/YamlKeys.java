package io.odoosidecar.rule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds a key given twice in one YAML mapping, which a YAML reader otherwise takes silently (the
 * last one wins), with the lines of both.
 *
 * <p>Implementation notes: Jackson's {@code STRICT_DUPLICATE_DETECTION} reports the second key's
 * location only, so the document is walked as tokens here, each open mapping remembering the line
 * of every key it has seen.
 */
public final class YamlKeys {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  /**
   * A key given twice.
   *
   * @param path where the mapping is: keys (String) and list indexes (Integer) from the top
   * @param key the key
   * @param firstLine the line (from 1) of its first occurrence
   * @param secondLine the line of the second
   */
  public record Duplicate(List<Object> path, String key, int firstLine, int secondLine) {
    /** The mapping's path in dotted form ({@code odoo.connections.main}, {@code rules.0}). */
    public String dotted() {
      StringBuilder out = new StringBuilder();
      for (Object part : path) {
        out.append(out.length() == 0 ? "" : ".").append(part);
      }
      return out.toString();
    }

    /** The problem in words: {@code duplicate key 'model' at lines 3 and 7}. */
    public String problem() {
      return "duplicate key '" + key + "' at lines " + firstLine + " and " + secondLine;
    }
  }

  private YamlKeys() {}

  /**
   * The first duplicate key of {@code text}, if any. A document that does not parse gives none: the
   * reader that follows reports it.
   */
  public static Optional<Duplicate> firstDuplicate(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      return walk(parser);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** One open mapping or list while walking. */
  private static final class Frame {
    final Map<String, Integer> lines; // null for a list
    Object current; // the key being read, or the index in a list
    int index = -1;

    Frame(boolean mapping) {
      this.lines = mapping ? new HashMap<>() : null;
    }
  }

  private static Optional<Duplicate> walk(JsonParser parser) throws IOException {
    Deque<Frame> stack = new ArrayDeque<>();
    for (JsonToken token; (token = parser.nextToken()) != null; ) {
      if (token == JsonToken.FIELD_NAME) {
        Frame frame = stack.peek();
        String key = parser.currentName();
        int line = parser.currentTokenLocation().getLineNr();
        Integer first = frame.lines.putIfAbsent(key, line);
        if (first != null) {
          return Optional.of(new Duplicate(path(stack), key, first, line));
        }
        frame.current = key;
        continue;
      }
      if (token.isStructEnd()) {
        stack.pop();
        continue;
      }
      Frame parent = stack.peek();
      if (parent != null && parent.lines == null) {
        parent.index++;
        parent.current = parent.index;
      }
      if (token.isStructStart()) {
        stack.push(new Frame(token == JsonToken.START_OBJECT));
      }
    }
    return Optional.empty();
  }

  private static List<Object> path(Deque<Frame> stack) {
    List<Object> path = new ArrayList<>();
    java.util.Iterator<Frame> outerFirst = stack.descendingIterator();
    while (outerFirst.hasNext()) {
      Frame frame = outerFirst.next();
      if (outerFirst.hasNext()) {
        path.add(frame.current);
      }
    }
    return path;
  }
}
