package io.odoosidecar.sync;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sync URL with {@code {field}} placeholders ({@code https://api.example.com/customers/{ref}}):
 * each replaced by the record's value, URL-encoded as a path segment, and the config's query
 * parameters appended. {@code {identifier}} is the Record Identifier's value as the body sends it.
 * A value made of dots only ({@code .}, {@code ..}) is refused: servers and proxies remove such
 * segments ({@code /customers/../addresses}), encoded ({@code %2E}) or not, and the call would land
 * elsewhere.
 */
final class UrlTemplate {
  /** The placeholder of the Record Identifier's value as sent, whatever line carries it. */
  static final String IDENTIFIER = "identifier";

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.]*)}");
  private static final Pattern DOTS = Pattern.compile("\\.+");

  private UrlTemplate() {}

  /** The fields (or dotted paths) the template names. */
  static List<String> fields(String template) {
    List<String> out = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** Whether a brace is left once the placeholders are taken out. */
  static boolean unbalanced(String template) {
    String rest = PLACEHOLDER.matcher(template).replaceAll("");
    return rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0;
  }

  /**
   * The URL for one record: placeholders replaced by {@code values} (an empty value or one of dots
   * only fails: a request must not land on another URL by accident), then the query parameters.
   */
  static URI expand(String template, Function<String, Object> values, Map<String, String> params) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      Object value = values.apply(m.group(1));
      if (value == null || Boolean.FALSE.equals(value) || String.valueOf(value).isEmpty()) {
        throw new IllegalArgumentException("the URL's {" + m.group(1) + "} is empty");
      }
      if (DOTS.matcher(String.valueOf(value)).matches()) {
        throw new IllegalArgumentException(
            "the URL's {"
                + m.group(1)
                + "} is '"
                + value
                + "', a value servers read as a move in the path: not sent");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(segment(value)));
    }
    m.appendTail(out);
    return URI.create(out + query(out.indexOf("?") >= 0, params));
  }

  private static String segment(Object value) {
    String text =
        value instanceof Double d && d == Math.rint(d) ? String.valueOf(d.longValue()) : "" + value;
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(boolean hasQuery, Map<String, String> params) {
    StringBuilder out = new StringBuilder();
    params.forEach(
        (name, value) ->
            out.append(out.length() == 0 && !hasQuery ? '?' : '&')
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return out.toString();
  }
}
