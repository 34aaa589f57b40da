package io.odoosidecar.odoo;

import java.util.List;
import java.util.Map;

/**
 * An Odoo server's version, as {@code common.version} or {@code /web/version} answer it.
 *
 * @param serverVersion the full version string, such as {@code 18.0+e-20241005}
 * @param major the major version, such as 18
 * @param minor the minor version (0 for a {@code .0} release, 1 to 4 for a SaaS one)
 * @param serie the series, such as {@code 18.0}
 */
public record ServerVersion(String serverVersion, int major, int minor, String serie) {

  /** The first major version with the JSON-2 API. */
  public static final int FIRST_JSON2_MAJOR = 19;

  /** Parses the answer of {@code common.version} ({@code server_version_info}, ...). */
  public static ServerVersion ofCommonVersion(Map<String, Object> answer) {
    List<Object> info = ValueCodec.asList(answer.get("server_version_info"));
    String version = String.valueOf(answer.getOrDefault("server_version", ""));
    Object serie = answer.get("server_serie");
    return of(version, info, serie instanceof String s ? s : version);
  }

  /** Parses the answer of {@code GET /web/version} ({@code version_info}, {@code version}). */
  public static ServerVersion ofWebVersion(Map<String, Object> answer) {
    List<Object> info = ValueCodec.asList(answer.get("version_info"));
    String version = String.valueOf(answer.getOrDefault("version", ""));
    return of(version, info, version);
  }

  private static ServerVersion of(String version, List<Object> info, String serie) {
    int major = info.size() > 0 ? number(info.get(0)) : leadingNumber(version);
    int minor = info.size() > 1 ? number(info.get(1)) : 0;
    return new ServerVersion(version, major, minor, serie);
  }

  private static int number(Object value) {
    if (value instanceof Number n) {
      return n.intValue();
    }
    // SaaS series print their major as "saas~18" in some answers.
    return leadingNumber(String.valueOf(value).replace("saas~", ""));
  }

  private static int leadingNumber(String text) {
    int end = 0;
    while (end < text.length() && Character.isDigit(text.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(text.substring(0, end));
  }

  /** Whether the server offers the JSON-2 API. */
  public boolean hasJson2() {
    return major >= FIRST_JSON2_MAJOR;
  }
}
