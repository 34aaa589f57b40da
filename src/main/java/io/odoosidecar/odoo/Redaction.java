package io.odoosidecar.odoo;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in what is shown: URLs (their user information and the parameters named like a
 * password, secret, token or key), free text holding such URLs, and the arguments of an Odoo call
 * in the call log.
 *
 * <p>Implementation notes: the URL rules are applied to any text, not only to a parsed URL, so that
 * an error message quoting a URL (a JDBC driver's, the JDK's) is masked as well. A user name
 * without a password is masked whole, since tokens are often given as one ({@code
 * https://TOKEN@host}); with a password, the name is kept and the password masked.
 */
public final class Redaction {
  /** What a masked value is shown as. */
  public static final String MASK = "****";

  private static final Pattern USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.:-]*://)([^/?#\\s]+)@");
  private static final Pattern PARAMETER =
      Pattern.compile("([?&;])([^=&;?#\\s]+)=([^&;#\\s]*?)(?=$|[&;#\\s]|[:,.)'\"](?:\\s|$))");
  private static final Pattern SENSITIVE =
      Pattern.compile("(?i).*(password|passwd|pwd|secret|token|key|credential).*");

  private Redaction() {}

  /** {@code url} with its credentials masked. */
  public static String url(URI url) {
    return url == null ? "" : text(url.toString());
  }

  /** {@code text} with the credentials of every URL in it masked. */
  public static String text(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    return parameters(userInfo(text));
  }

  /** {@code text} with URL credentials and every occurrence of the given secrets masked. */
  public static String text(String text, java.util.Collection<Secret> secrets) {
    String out = text(text);
    for (Secret secret : secrets) {
      String value = secret.reveal();
      if (out != null && !value.isEmpty()) {
        out = out.replace(value, MASK);
      }
    }
    return out;
  }

  /** Whether a name (a parameter, a key, an argument) is one whose value is a secret. */
  public static boolean sensitive(String name) {
    return name != null && SENSITIVE.matcher(name).matches();
  }

  /**
   * The arguments of a call as the call log may show them: the value of a sensitive key anywhere in
   * them masked, and for {@code ir.config_parameter} the value set of a sensitive parameter.
   */
  public static Object callArguments(String model, Object args) {
    Object masked = mask(args);
    if (!"ir.config_parameter".equals(model) || !(masked instanceof List<?> list)) {
      return masked;
    }
    if (list.size() >= 2 && list.get(0) instanceof String key && sensitive(key)) {
      List<Object> out = new ArrayList<>(list);
      out.set(1, MASK);
      return out;
    }
    return masked;
  }

  /**
   * The keyword arguments of a call as the call log may show them: those named like a secret
   * masked, and the {@code value} of an {@code ir.config_parameter} whose {@code key} is sensitive
   * ({@code key} there names the parameter, and is shown).
   */
  public static Map<String, Object> callKeywords(String model, Map<String, ?> kwargs) {
    boolean parameter = "ir.config_parameter".equals(model);
    Map<String, Object> out = new LinkedHashMap<>();
    kwargs.forEach(
        (name, value) -> {
          if (parameter && name.equals("key")) {
            out.put(name, value);
          } else {
            out.put(name, sensitive(name) ? MASK : mask(value));
          }
        });
    if (parameter && out.containsKey("value") && sensitive(String.valueOf(kwargs.get("key")))) {
      out.put("value", MASK);
    }
    return out;
  }

  /**
   * The answer of a call as the call log may show it: {@code get_param} of a sensitive parameter
   * masked, sensitive keys masked anywhere.
   */
  public static Object callResult(
      String model, String method, Object args, Map<String, ?> kwargs, Object result) {
    if ("ir.config_parameter".equals(model) && method.equals("get_param")) {
      Object key =
          kwargs.containsKey("key")
              ? kwargs.get("key")
              : args instanceof List<?> list && !list.isEmpty() ? list.get(0) : null;
      if (key == null || sensitive(String.valueOf(key))) {
        return MASK;
      }
    }
    return mask(result);
  }

  private static Object mask(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(k, sensitive(String.valueOf(k)) ? MASK : mask(v)));
      return out;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(item -> out.add(mask(item)));
      return out;
    }
    if (value instanceof String text && text.contains("://")) {
      return text(text);
    }
    return value;
  }

  private static String userInfo(String text) {
    Matcher m = USERINFO.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String info = m.group(2);
      int colon = info.indexOf(':');
      String shown = colon < 0 ? MASK : info.substring(0, colon) + ":" + MASK;
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + shown + "@"));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String parameters(String text) {
    Matcher m = PARAMETER.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(2);
      String shown =
          sensitive(name.toLowerCase(Locale.ROOT)) ? m.group(1) + name + "=" + MASK : m.group(0);
      m.appendReplacement(out, Matcher.quoteReplacement(shown));
    }
    m.appendTail(out);
    return out.toString();
  }
}
