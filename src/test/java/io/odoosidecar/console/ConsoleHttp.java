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
 * follows redirections, reads the CSRF token of the last page and, as browsers do, sends its page's
 * {@code Origin} with every POST (the scheme is https when it sends {@code X-Forwarded-Proto:
 * https}, as through a proxy that terminates TLS).
 */
final class ConsoleHttp {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private final HttpClient client =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final String base;
  private final Map<String, String> cookies = new LinkedHashMap<>();
  private final Map<String, String> headers = new LinkedHashMap<>();
  private String csrf = "";
  private boolean sendsOrigin = true;

  /** An answer to a request written by hand. */
  record Raw(int status, Map<String, List<String>> headers, String body) {
    /** The header's first value, or empty. */
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null ? "" : values.get(0);
    }
  }

  ConsoleHttp(String base) {
    this.base = base;
  }

  /** Sends this header with every request. */
  ConsoleHttp header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /**
   * Sends no {@code Origin} of its own from now on (a header set by {@link #header} still goes).
   */
  ConsoleHttp withoutOrigin() {
    sendsOrigin = false;
    return this;
  }

  /** The origin a browser on this client's pages sends. */
  String origin() {
    URI uri = URI.create(base);
    String scheme =
        "https".equalsIgnoreCase(headers.get("X-Forwarded-Proto")) ? "https" : uri.getScheme();
    return scheme + "://" + uri.getRawAuthority();
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
    HttpRequest built = request.build();
    if (sendsOrigin
        && built.method().equals("POST")
        && built.headers().firstValue("Origin").isEmpty()) {
      built =
          HttpRequest.newBuilder(built, (name, value) -> true).header("Origin", origin()).build();
    }
    try {
      HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
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

  /**
   * A request written by hand over a socket, for the headers Java's client will not send as given
   * ({@code Host}): the request line, then the headers (pairs of name, value), then the body.
   */
  static Raw raw(int port, String method, String path, String body, String... headerPairs) {
    return rawLine(port, method + " " + path + " HTTP/1.1", body, headerPairs);
  }

  /** A request written by hand, from its request line ({@code GET / HTTP/1.0}). */
  static Raw rawLine(int port, String requestLine, String body, String... headerPairs) {
    StringBuilder request = new StringBuilder(requestLine + "\r\n");
    for (int i = 0; i < headerPairs.length; i += 2) {
      request.append(headerPairs[i]).append(": ").append(headerPairs[i + 1]).append("\r\n");
    }
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    if (!body.isEmpty()) {
      request.append("Content-Length: ").append(content.length).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(content);
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int end = answer.indexOf("\r\n\r\n");
      String[] lines = answer.substring(0, end).split("\r\n");
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers
            .computeIfAbsent(
                lines[i].substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT),
                k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).trim());
      }
      return new Raw(Integer.parseInt(lines[0].split(" ")[1]), headers, answer.substring(end + 4));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
