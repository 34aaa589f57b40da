package io.odoosidecar.console;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser without a browser, for the console's HTTP tests: keeps the cookies it is given, never
 * follows redirections, and reads the CSRF token of the last page.
 */
final class ConsoleHttp {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final HttpClient client =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final String base;
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private final Map<String, String> headers = new LinkedHashMap<>();
  private String csrf = "";

  ConsoleHttp(String base) {
    this.base = base;
  }

  /** Sends this header with every request. */
  ConsoleHttp header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** Forgets every cookie, as a new client would start. */
  void forgetCookies() {
    cookies.clear();
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  /** Posts a form (pairs of name, value) as it is: no token added. */
  HttpResponse<String> postRaw(String path, String... pairs) {
    List<String> fields = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      fields.add(encode(pairs[i]) + "=" + encode(pairs[i + 1]));
    }
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(String.join("&", fields))));
  }

  /** Posts a form with the CSRF token of the last page. */
  HttpResponse<String> post(String path, String... pairs) {
    String[] withToken = new String[pairs.length + 2];
    withToken[0] = "_csrf";
    withToken[1] = csrf;
    System.arraycopy(pairs, 0, withToken, 2, pairs.length);
    return postRaw(path, withToken);
  }

  /** Logs in through the login page; returns the login's answer. */
  HttpResponse<String> login(String login, String password) {
    get("/login");
    return post("/login", "login", login, "password", password);
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    headers.forEach(request::header);
    if (!cookies.isEmpty()) {
      request.header(
          "Cookie",
          cookies.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
    }
    try {
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      for (String cookie : response.headers().allValues("Set-Cookie")) {
        String pair = cookie.split(";", 2)[0];
        String name = pair.substring(0, pair.indexOf('='));
        String value = pair.substring(pair.indexOf('=') + 1);
        if (value.isEmpty()) {
          cookies.remove(name);
        } else {
          cookies.put(name, value);
        }
      }
      Matcher m = CSRF.matcher(response.body());
      if (m.find()) {
        csrf = m.group(1);
      }
      return response;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The cookie's value, or null. */
  String cookie(String name) {
    return cookies.get(name);
  }

  void setCookie(String name, String value) {
    cookies.put(name, value);
  }

  String csrf() {
    return csrf;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
