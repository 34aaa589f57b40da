package io.odoosidecar.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A request as a page sees it: the backend, who asks, the parameters (the query's on GET, the
 * form's on POST, already decoded) and how to render.
 */
public final class PageRequest {
  private final ConsoleBackend backend;
  private final Templates templates;
  private final Chrome chrome;
  private final String user;
  private final Map<String, List<String>> params;

  PageRequest(
      ConsoleBackend backend,
      Templates templates,
      Chrome chrome,
      String user,
      Map<String, List<String>> params) {
    this.backend = backend;
    this.templates = templates;
    this.chrome = chrome;
    this.user = user;
    this.params = params;
  }

  /** The daemon. */
  public ConsoleBackend backend() {
    return backend;
  }

  /** Who asks: the login, or {@code local}. */
  public String user() {
    return user;
  }

  /** The layout's data for this page. */
  public Chrome chrome() {
    return chrome;
  }

  /** A parameter's first value, trimmed, or empty. */
  public String param(String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? "" : values.get(0).trim();
  }

  /** A parameter that must be given. */
  public String required(String name) {
    String value = param(name);
    if (value.isEmpty()) {
      throw ConsoleError.badRequest("the parameter '" + name + "' is missing");
    }
    return value;
  }

  /** A parameter that must be a number. */
  public long number(String name) {
    return parse(name, required(name));
  }

  /** Every value of a parameter given as numbers (checkboxes), in order, once each. */
  public List<Long> numbers(String name) {
    List<Long> out = new ArrayList<>();
    for (String value : params.getOrDefault(name, List.of())) {
      long n = parse(name, value.trim());
      if (!out.contains(n)) {
        out.add(n);
      }
    }
    return out;
  }

  /** Renders a template with the layout's data ({@code chrome}) and the page's ({@code view}). */
  public Answer render(String template, Object view) {
    return render(200, template, chrome, view);
  }

  /** The same with a title of its own. */
  public Answer render(String template, String title, Object view) {
    return render(200, template, chrome.withTitle(title), view);
  }

  Answer render(int status, String template, Chrome withChrome, Object view) {
    return Answer.page(
        status, templates.render(template, Map.of("chrome", withChrome, "view", view)));
  }

  /** A value for a link's query string. */
  public static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static long parse(String name, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ConsoleError.badRequest(
          "the parameter '" + name + "' must be a number, not '" + value + "'");
    }
  }
}
