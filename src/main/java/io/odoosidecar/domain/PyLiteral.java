package io.odoosidecar.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses Python literals as Odoo stores domains: lists and tuples (both become {@link List}),
 * dicts, strings with either quote and Python's escapes, integers ({@link Long}), floats ({@link
 * Double}), {@code True}, {@code False} and {@code None} (null). JSON is a subset of this syntax
 * except for {@code true}, {@code false} and {@code null}, which are accepted too.
 */
public final class PyLiteral {
  private final String text;
  private int pos;

  private PyLiteral(String text) {
    this.text = text;
  }

  /** Parses one literal; anything else than whitespace after it is an error. */
  public static Object parse(String text) {
    PyLiteral parser = new PyLiteral(text);
    Object value = parser.value();
    parser.skipSpace();
    if (parser.pos != text.length()) {
      throw parser.error("unexpected text after the value");
    }
    return value;
  }

  private Object value() {
    skipSpace();
    if (pos >= text.length()) {
      throw error("a value was expected");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '[':
        return sequence('[', ']');
      case '(':
        return sequence('(', ')');
      case '{':
        return dict();
      case '"':
      case '\'':
        return string();
      default:
        break;
    }
    if (c == '-' || c == '+' || c == '.' || Character.isDigit(c)) {
      return number();
    }
    if (Character.isLetter(c) || c == '_') {
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      String word = text.substring(start, pos);
      if (pos < text.length()
          && (text.charAt(pos) == '"' || text.charAt(pos) == '\'')
          && (word.equalsIgnoreCase("u")
              || word.equalsIgnoreCase("r")
              || word.equalsIgnoreCase("b"))) {
        return word.equalsIgnoreCase("r") ? rawString() : string();
      }
      switch (word) {
        case "True":
        case "true":
          return Boolean.TRUE;
        case "False":
        case "false":
          return Boolean.FALSE;
        case "None":
        case "null":
          return null;
        default:
          pos = start;
          throw error("'" + word + "' is not a literal (a dynamic domain needs evaluation)");
      }
    }
    throw error("unexpected character '" + c + "'");
  }

  private List<Object> sequence(char open, char close) {
    pos++; // open
    List<Object> items = new ArrayList<>();
    skipSpace();
    if (peek(close)) {
      pos++;
      return Collections.unmodifiableList(items);
    }
    while (true) {
      items.add(value());
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
        if (peek(close)) {
          pos++;
          break;
        }
        continue;
      }
      if (peek(close)) {
        pos++;
        break;
      }
      throw error("',' or '" + close + "' expected");
    }
    return Collections.unmodifiableList(items);
  }

  private Map<String, Object> dict() {
    pos++;
    Map<String, Object> map = new LinkedHashMap<>();
    skipSpace();
    if (peek('}')) {
      pos++;
      return map;
    }
    while (true) {
      Object key = value();
      skipSpace();
      if (!peek(':')) {
        throw error("':' expected");
      }
      pos++;
      map.put(String.valueOf(key), value());
      skipSpace();
      if (peek(',')) {
        pos++;
        skipSpace();
        if (peek('}')) {
          pos++;
          break;
        }
        continue;
      }
      if (peek('}')) {
        pos++;
        break;
      }
      throw error("',' or '}' expected");
    }
    return map;
  }

  private Object number() {
    int start = pos;
    if (peek('-') || peek('+')) {
      pos++;
    }
    boolean real = false;
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isDigit(c) || c == '_') {
        pos++;
      } else if (c == '.' || c == 'e' || c == 'E') {
        real = true;
        pos++;
        if ((c == 'e' || c == 'E') && (peek('-') || peek('+'))) {
          pos++;
        }
      } else {
        break;
      }
    }
    String literal = text.substring(start, pos).replace("_", "");
    try {
      return real ? (Object) Double.parseDouble(literal) : (Object) Long.parseLong(literal);
    } catch (NumberFormatException e) {
      pos = start;
      throw error("not a number: '" + literal + "'");
    }
  }

  private String rawString() {
    char quote = text.charAt(pos);
    int end = text.indexOf(quote, pos + 1);
    if (end < 0) {
      throw error("unterminated string");
    }
    String value = text.substring(pos + 1, end);
    pos = end + 1;
    return value;
  }

  private String string() {
    char quote = text.charAt(pos);
    boolean triple = text.startsWith(String.valueOf(quote).repeat(3), pos);
    pos += triple ? 3 : 1;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == quote && (!triple || text.startsWith(String.valueOf(quote).repeat(3), pos))) {
        pos += triple ? 3 : 1;
        return out.toString();
      }
      if (c == '\\') {
        pos++;
        escape(out);
        continue;
      }
      if (c == '\n' && !triple) {
        throw error("line break inside a string");
      }
      out.append(c);
      pos++;
    }
  }

  private void escape(StringBuilder out) {
    if (pos >= text.length()) {
      throw error("unterminated escape");
    }
    char c = text.charAt(pos++);
    switch (c) {
      case 'n' -> out.append('\n');
      case 't' -> out.append('\t');
      case 'r' -> out.append('\r');
      case '0' -> out.append('\0');
      case 'a' -> out.append('\u0007');
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'v' -> out.append('\u000b');
      case '\n' -> {}
      case 'x' -> out.append((char) hex(2));
      case 'u' -> out.append((char) hex(4));
      case 'U' -> out.appendCodePoint(hex(8));
      default -> {
        if (c != '\\' && c != '\'' && c != '"') {
          out.append('\\'); // Python keeps unknown escapes as written
        }
        out.append(c);
      }
    }
  }

  private int hex(int digits) {
    if (pos + digits > text.length()) {
      throw error("truncated escape");
    }
    try {
      int value = Integer.parseInt(text.substring(pos, pos + digits), 16);
      pos += digits;
      return value;
    } catch (NumberFormatException e) {
      throw error("bad escape");
    }
  }

  private boolean peek(char c) {
    return pos < text.length() && text.charAt(pos) == c;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private DomainException error(String problem) {
    return new DomainException(
        "cannot parse domain at character " + pos + ": " + problem + " in " + text);
  }

  /** The Python literal of a value, as Odoo would print it ({@code repr}). */
  public static String repr(Object value) {
    StringBuilder out = new StringBuilder();
    repr(value, out);
    return out.toString();
  }

  private static void repr(Object value, StringBuilder out) {
    if (value == null) {
      out.append("None");
    } else if (value instanceof Boolean b) {
      out.append(b ? "True" : "False");
    } else if (value instanceof Double d) {
      out.append(d.isInfinite() || d.isNaN() ? "float('" + d + "')" : pythonFloat(d));
    } else if (value instanceof Number n) {
      out.append(n.longValue());
    } else if (value instanceof String s) {
      out.append('\'');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '\\' -> out.append("\\\\");
          case '\'' -> out.append("\\'");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20 || c == 0x7f) {
              out.append(String.format("\\x%02x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      out.append('\'');
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(", ");
        }
        repr(list.get(i), out);
      }
      out.append(']');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        repr(String.valueOf(e.getKey()), out);
        out.append(": ");
        repr(e.getValue(), out);
      }
      out.append('}');
    } else {
      out.append(value);
    }
  }

  private static String pythonFloat(double d) {
    String s = Double.toString(d);
    if (s.contains("E")) {
      s = s.replace("E", "e");
      int e = s.indexOf('e');
      String mantissa = s.substring(0, e).replaceAll("\\.0$", "");
      String exponent = s.substring(e + 1);
      int exp = Integer.parseInt(exponent);
      return mantissa + "e" + (exp < 0 ? "-" : "+") + String.format("%02d", Math.abs(exp));
    }
    return s;
  }
}
