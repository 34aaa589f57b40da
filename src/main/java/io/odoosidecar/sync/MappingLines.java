package io.odoosidecar.sync;

import io.odoosidecar.script.PythonCheck;
import io.odoosidecar.sync.MappingLine.As;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the {@code mapping:} lines of a sync config, nested lines included. */
final class MappingLines {
  static final Set<String> KEYS =
      Set.of("field", "key", "type", "identifier", "as", "mapping", "expression");
  private static final String FIELD_NAME = "[A-Za-z_][A-Za-z0-9_]*";

  private MappingLines() {}

  /**
   * The lines of a mapping node.
   *
   * @param where the node's key ({@code mapping}, {@code mapping[3].mapping})
   * @param top whether this is the config's own mapping (the identifier, python lines)
   */
  static List<MappingLine> parse(SyncConfigs.Entry entry, Object node, String where, boolean top) {
    if (!(node instanceof List<?> list) || list.isEmpty()) {
      throw entry.error(where, "must be a list of mapping lines {field, key, type}");
    }
    List<MappingLine> lines = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String at = where + "[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> raw)) {
        throw entry.error(at, "a mapping line is a mapping {field, key, type, ...}");
      }
      MappingLine line = line(entry, raw, at, top);
      if (!keys.add(line.key())) {
        throw entry.error(at + ".key", "'" + line.key() + "' is already sent by another line");
      }
      lines.add(line);
    }
    if (top) {
      identifier(entry, lines, where);
    }
    return lines;
  }

  private static void identifier(SyncConfigs.Entry entry, List<MappingLine> lines, String where) {
    List<Integer> marked = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).identifier()) {
        marked.add(i);
      }
    }
    if (marked.size() != 1) {
      throw entry.error(
          marked.isEmpty() ? where : where + "[" + marked.get(1) + "].identifier",
          "exactly one line must carry 'identifier: true' (the Record Identifier), found "
              + marked.size());
    }
  }

  private static MappingLine line(SyncConfigs.Entry entry, Map<?, ?> raw, String at, boolean top) {
    for (Object k : raw.keySet()) {
      if (!KEYS.contains(String.valueOf(k))) {
        throw entry.error(at + "." + k, "unknown key; known keys: " + SyncConfigs.known(KEYS));
      }
    }
    MappingType type;
    try {
      type = MappingType.of(String.valueOf(raw.containsKey("type") ? raw.get("type") : "plain"));
    } catch (IllegalArgumentException e) {
      throw entry.error(at + ".type", e.getMessage());
    }
    String key = entry.text(raw.get("key"), at + ".key", true);
    if (key.startsWith(".") || key.endsWith(".") || key.contains("..")) {
      throw entry.error(at + ".key", "a dotted key names nested objects: '" + key + "'");
    }
    String field = entry.text(raw.get("field"), at + ".field", type != MappingType.PYTHON);
    if (field != null && !field.matches(FIELD_NAME + "(\\." + FIELD_NAME + ")*")) {
      throw entry.error(
          at + ".field", "must be a field name or a dotted path, got '" + field + "'");
    }
    Object identifier = raw.get("identifier");
    if (identifier != null && !(identifier instanceof Boolean)) {
      throw entry.error(at + ".identifier", "must be true or false, got " + identifier);
    }
    if (Boolean.TRUE.equals(identifier) && !top) {
      throw entry.error(at + ".identifier", "the identifier is a line of the config's own mapping");
    }
    return switch (type) {
      case PLAIN -> plain(entry, raw, at, field, key, Boolean.TRUE.equals(identifier));
      case PYTHON -> python(entry, raw, at, field, key, Boolean.TRUE.equals(identifier), top);
      case RELATIONAL -> relational(entry, raw, at, field, key, Boolean.TRUE.equals(identifier));
    };
  }

  private static MappingLine plain(
      SyncConfigs.Entry entry, Map<?, ?> raw, String at, String field, String key, boolean id) {
    only(entry, raw, at, "plain", Set.of("as", "mapping", "expression"));
    return new MappingLine(field, key, MappingType.PLAIN, id, As.ID, null, List.of(), null);
  }

  private static MappingLine python(
      SyncConfigs.Entry entry,
      Map<?, ?> raw,
      String at,
      String field,
      String key,
      boolean id,
      boolean top) {
    only(entry, raw, at, "python", Set.of("as", "mapping"));
    if (!top) {
      throw entry.error(
          at + ".type", "python lines are evaluated on the config's own records, not nested");
    }
    String expression = entry.text(raw.get("expression"), at + ".expression", true);
    String problem = PythonCheck.problem(expression, true);
    if (!problem.isEmpty()) {
      throw entry.error(at + ".expression", problem);
    }
    return new MappingLine(field, key, MappingType.PYTHON, id, As.ID, null, List.of(), expression);
  }

  private static MappingLine relational(
      SyncConfigs.Entry entry, Map<?, ?> raw, String at, String field, String key, boolean id) {
    only(entry, raw, at, "relational", Set.of("expression"));
    Object as = raw.get("as");
    boolean nested = raw.containsKey("mapping");
    if (nested && as != null) {
      throw entry.error(at + ".as", "a related record is sent either by 'as' or by 'mapping'");
    }
    if (nested) {
      List<MappingLine> lines = parse(entry, raw.get("mapping"), at + ".mapping", false);
      return new MappingLine(field, key, MappingType.RELATIONAL, id, As.OBJECT, null, lines, null);
    }
    String text = as == null ? "id" : String.valueOf(as).trim();
    if (text.equals("id")) {
      return new MappingLine(field, key, MappingType.RELATIONAL, id, As.ID, null, List.of(), null);
    }
    String[] words = text.split("\\s+");
    if (words.length != 2 || !words[0].equals("field") || !words[1].matches(FIELD_NAME)) {
      throw entry.error(
          at + ".as", "must be 'id' or 'field NAME' (a field of the related record), got " + as);
    }
    return new MappingLine(
        field, key, MappingType.RELATIONAL, id, As.FIELD, words[1], List.of(), null);
  }

  private static void only(
      SyncConfigs.Entry entry, Map<?, ?> raw, String at, String type, Set<String> refused) {
    for (String key : refused) {
      if (raw.containsKey(key)) {
        throw entry.error(at + "." + key, "is not a key of a " + type + " line");
      }
    }
  }
}
