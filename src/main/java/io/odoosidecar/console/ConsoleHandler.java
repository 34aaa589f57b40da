package io.odoosidecar.console;

import io.odoosidecar.console.ConsoleSessions.Session;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The web console, as one Undertow handler for the prefix {@code /}: the pages on GET, their forms
 * on POST, {@code /login}, {@code /logout} and the style sheet. Every POST is refused (403) unless
 * its {@code Origin}, or without one its {@code Referer}, is the console's own (browsers send
 * {@code Origin} with every POST: a POST with neither is refused too); then the session and the
 * CSRF token are checked. Every answer forbids caching, framing, scripts and other origins'
 * resources.
 */
public final class ConsoleHandler implements HttpHandler {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(ConsoleHandler.class);

  /** The largest form taken. */
  static final int MAX_FORM = 64 * 1024;

  /** The field every form carries its CSRF token in. */
  public static final String CSRF_FIELD = "_csrf";

  static final String SECURITY_POLICY =
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
          + " frame-ancestors 'none'; base-uri 'none'";

  private static final String STYLE = "/static/console.css";

  private final ConsoleBackend backend;
  private final ConsolePages pages;
  private final Authenticator authenticator;
  private final ConsoleSettings settings;
  private final ConsoleAccess access;
  private final Templates templates;
  private final byte[] style;

  /** The standard pages over a backend. */
  public ConsoleHandler(
      ConsoleBackend backend, Authenticator authenticator, ConsoleSettings settings, Clock clock) {
    this(backend, ConsolePages.standard(), authenticator, settings, clock);
  }

  /** The given pages over a backend. */
  public ConsoleHandler(
      ConsoleBackend backend,
      ConsolePages pages,
      Authenticator authenticator,
      ConsoleSettings settings,
      Clock clock) {
    this.backend = backend;
    this.pages = pages;
    this.authenticator = authenticator;
    this.settings = settings;
    this.access = new ConsoleAccess(settings, clock);
    this.templates = new Templates(settings.secrets());
    this.style = resource("static/console.css");
  }

  /** The login page's data. */
  public record LoginView(String login, String next, String csrf, String error, String group) {}

  /** An error page's data. */
  public record ErrorView(int status, String reason) {}

  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (exchange.isInIoThread()) {
      exchange.dispatch(this); // the backend waits on the event log: never on an IO thread
      return;
    }
    exchange.startBlocking();
    headers(exchange);
    String base = base(exchange);
    Optional<Session> session = Optional.empty();
    try {
      session = access.session(exchange);
      route(exchange, base, path(exchange), session);
    } catch (ConsoleError e) {
      error(exchange, base, session, e.status(), e.getMessage());
    } catch (IllegalArgumentException e) {
      error(exchange, base, session, 404, String.valueOf(e.getMessage())); // the backend's unknown
    } catch (RuntimeException e) {
      LOG.warn("console: {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
      error(exchange, base, session, 500, "the console failed: " + e.getMessage());
    }
  }

  private void route(
      HttpServerExchange exchange, String base, String path, Optional<Session> session) {
    boolean get = exchange.getRequestMethod().equals(Methods.GET);
    boolean post = exchange.getRequestMethod().equals(Methods.POST);
    if (!get && !post) {
      exchange.getResponseHeaders().put(Headers.ALLOW, "GET, POST");
      throw new ConsoleError(405, "only GET and POST are answered");
    }
    if (post) {
      ConsoleAccess.originProblem(exchange)
          .ifPresent(
              problem -> {
                throw new ConsoleError(403, problem);
              });
    }
    if (path.equals(STYLE) && get) {
      sendStyle(exchange);
    } else if (path.equals("/login")) {
      if (get) {
        loginPage(exchange, base, session);
      } else {
        login(exchange, base);
      }
    } else if (get) {
      Session s = session.or(() -> localSession(exchange)).orElse(null);
      if (s == null) {
        redirectToLogin(exchange, base);
        return;
      }
      ConsolePage page =
          pages.at(path).orElseThrow(() -> ConsoleError.notFound("no page at " + path));
      PageRequest request = request(page.title(), base, path, s, query(exchange));
      send(exchange, base, s, page.render(request));
    } else {
      Session s = session.orElseThrow(() -> noSession(exchange));
      Map<String, List<String>> form = form(exchange);
      ConsoleAccess.csrfProblem(s.csrf(), first(form, CSRF_FIELD))
          .ifPresent(
              problem -> {
                throw new ConsoleError(403, problem);
              });
      if (path.equals("/logout")) {
        access.close(exchange, s);
        redirect(exchange, base, "/login?done=logout");
        return;
      }
      ConsolePage.FormAction action =
          pages.action(path).orElseThrow(() -> ConsoleError.notFound("no form at " + path));
      send(exchange, base, s, action.submit(request("", base, path, s, form)));
    }
  }

  private ConsoleError noSession(HttpServerExchange exchange) {
    return access.local(exchange)
        ? new ConsoleError(
            403,
            "this page's session has ended (only the newest "
                + ConsoleSessions.MAX_LOCAL_SESSIONS
                + " local ones are kept): reload the page and send the form again")
        : new ConsoleError(403, "not logged in: log in first, then send the form");
  }

  private Optional<Session> localSession(HttpServerExchange exchange) {
    return access.local(exchange)
        ? Optional.of(access.open(exchange, ConsoleAccess.LOCAL_USER, true))
        : Optional.empty();
  }

  private PageRequest request(
      String title, String base, String path, Session s, Map<String, List<String>> params) {
    return new PageRequest(backend, templates, chrome(title, base, path, s), s.user(), params);
  }

  private Chrome chrome(String title, String base, String path, Session s) {
    List<Chrome.MenuItem> menu = new ArrayList<>();
    if (s != null) {
      for (ConsolePage page : pages.all()) {
        if (page.inMenu()) {
          menu.add(
              new Chrome.MenuItem(page.title(), base + page.route(), page.route().equals(path)));
        }
      }
    }
    return new Chrome(
        title,
        base,
        s == null ? null : s.user(),
        s != null && s.local(),
        s == null ? "" : s.csrf(),
        menu,
        s == null ? "" : access.sessions().takeNotice(s.id()));
  }

  // ------------------------------------------------------------------ login and logout

  private void loginPage(HttpServerExchange exchange, String base, Optional<Session> session) {
    String next = safeNext(first(query(exchange), "next"));
    if (session.isPresent() || access.local(exchange)) {
      redirect(exchange, base, next);
      return;
    }
    String notice = first(query(exchange), "done").equals("logout") ? "You are logged out." : "";
    LoginView view = new LoginView("", next, access.loginToken(exchange), "", settings.group());
    sendLogin(exchange, base, 200, view, notice);
  }

  private void login(HttpServerExchange exchange, String base) {
    Map<String, List<String>> form = form(exchange);
    String cookie = ConsoleAccess.loginCookie(exchange);
    Optional<String> problem =
        cookie == null
            ? Optional.of("the login form has no CSRF cookie: reload the login page")
            : ConsoleAccess.csrfProblem(cookie, first(form, CSRF_FIELD));
    if (problem.isPresent()) {
      throw new ConsoleError(403, problem.get());
    }
    String login = first(form, "login");
    String next = safeNext(first(form, "next"));
    String address = ConsoleAccess.address(exchange);
    LoginView retry = new LoginView(login, next, cookie, "", settings.group());
    Optional<Duration> wait = access.throttle().wait(login, address);
    if (wait.isPresent()) {
      long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
      exchange.getResponseHeaders().put(Headers.RETRY_AFTER, seconds);
      sendLogin(
          exchange,
          base,
          429,
          withError(retry, "too many failed logins: wait " + seconds + " s"),
          "");
      return;
    }
    List<String> passwords = form.getOrDefault("password", List.of());
    Authenticator.Verdict verdict =
        authenticator.authenticate(login, passwords.isEmpty() ? "" : passwords.get(0));
    switch (verdict.outcome()) {
      case ACCEPTED -> {
        access.throttle().succeeded(login);
        access.open(exchange, verdict.user(), false);
        access.clearLoginCookie(exchange);
        LOG.info("console: {} logged in from {}", verdict.user(), address);
        redirect(exchange, base, next);
      }
      case REFUSED, NOT_IN_GROUP -> {
        access.throttle().failed(login, address);
        LOG.warn(
            "console: login of '{}' from {} refused: {}",
            printable(login),
            address,
            printable(verdict.reason()));
        int status = verdict.outcome() == Authenticator.Outcome.REFUSED ? 401 : 403;
        sendLogin(exchange, base, status, withError(retry, verdict.reason()), "");
      }
      case UNAVAILABLE -> sendLogin(exchange, base, 503, withError(retry, verdict.reason()), "");
    }
  }

  /** A text for the log: control characters (a forged line break) shown as {@code ?}. */
  static String printable(String text) {
    return text.replaceAll("\\p{Cntrl}", "?");
  }

  private static LoginView withError(LoginView view, String error) {
    return new LoginView(view.login(), view.next(), view.csrf(), error, view.group());
  }

  private void sendLogin(
      HttpServerExchange exchange, String base, int status, LoginView view, String notice) {
    Chrome chrome = new Chrome("Log in", base, null, false, "", List.of(), notice);
    html(exchange, status, templates.render("login.jte", Map.of("chrome", chrome, "view", view)));
  }

  private void redirectToLogin(HttpServerExchange exchange, String base) {
    String query = exchange.getQueryString();
    String next = path(exchange) + (query == null || query.isEmpty() ? "" : "?" + query);
    redirect(exchange, base, "/login?next=" + PageRequest.encode(safeNext(next)));
  }

  /** A path below the console to go to after the login: anything else goes to the overview. */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/login")
        || next.startsWith("/logout")
        || next.chars().anyMatch(c -> c < 0x20 || c == '\\' || c == 0x7f)) {
      return "/";
    }
    return next;
  }

  // ------------------------------------------------------------------ answers

  private void send(HttpServerExchange exchange, String base, Session s, Answer answer) {
    if (answer.redirects()) {
      if (!answer.notice().isEmpty()) {
        access.sessions().notice(s.id(), answer.notice());
      }
      redirect(exchange, base, answer.location());
    } else {
      html(exchange, answer.status(), answer.html());
    }
  }

  private void error(
      HttpServerExchange exchange,
      String base,
      Optional<Session> session,
      int status,
      String reason) {
    if (exchange.isResponseStarted()) {
      exchange.endExchange();
      return;
    }
    Chrome chrome = chrome(status == 404 ? "Not found" : "Refused", base, "", session.orElse(null));
    if (status >= 500) {
      chrome = chrome.withTitle("Failed");
    }
    String html =
        templates.render(
            "error.jte", Map.of("chrome", chrome, "view", new ErrorView(status, reason)));
    html(exchange, status, html);
  }

  private static void redirect(HttpServerExchange exchange, String base, String location) {
    exchange.setStatusCode(303);
    exchange.getResponseHeaders().put(Headers.LOCATION, base + location);
    exchange.endExchange();
  }

  private static void html(HttpServerExchange exchange, int status, String html) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
    exchange.getResponseSender().send(html, StandardCharsets.UTF_8);
  }

  private void sendStyle(HttpServerExchange exchange) {
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/css; charset=utf-8");
    exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "max-age=3600");
    exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(style));
  }

  private static void headers(HttpServerExchange exchange) {
    var h = exchange.getResponseHeaders();
    h.put(Headers.CACHE_CONTROL, "no-store");
    h.put(Headers.CONTENT_SECURITY_POLICY, SECURITY_POLICY);
    h.put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    h.put(Headers.X_FRAME_OPTIONS, "DENY");
    h.put(Headers.REFERRER_POLICY, "same-origin");
  }

  // ------------------------------------------------------------------ requests

  /** Where the console is mounted, without a trailing slash. */
  private static String base(HttpServerExchange exchange) {
    String resolved = exchange.getResolvedPath();
    return resolved.endsWith("/") ? resolved.substring(0, resolved.length() - 1) : resolved;
  }

  private static String path(HttpServerExchange exchange) {
    String relative = exchange.getRelativePath();
    return relative.isEmpty() ? "/" : relative.startsWith("/") ? relative : "/" + relative;
  }

  private static Map<String, List<String>> query(HttpServerExchange exchange) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
      out.put(e.getKey(), List.copyOf(e.getValue()));
    }
    return out;
  }

  /** The request's urlencoded form, at most {@link #MAX_FORM} bytes. */
  private static Map<String, List<String>> form(HttpServerExchange exchange) {
    String type = exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE);
    if (type == null
        || !type.toLowerCase(java.util.Locale.ROOT)
            .startsWith("application/x-www-form-urlencoded")) {
      throw new ConsoleError(415, "forms are sent as application/x-www-form-urlencoded");
    }
    byte[] body;
    try (InputStream in = exchange.getInputStream()) {
      body = in.readNBytes(MAX_FORM + 1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the form", e);
    }
    if (body.length > MAX_FORM) {
      throw new ConsoleError(413, "the form is larger than " + MAX_FORM + " bytes");
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String name =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      } catch (IllegalArgumentException e) {
        throw ConsoleError.badRequest("the form is not urlencoded: " + e.getMessage());
      }
    }
    return out;
  }

  private static String first(Map<String, List<String>> params, String name) {
    List<String> values = params.get(name);
    return values == null || values.isEmpty() ? "" : values.get(0).trim();
  }

  private static byte[] resource(String name) {
    try (InputStream in = ConsoleHandler.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the console's " + name + " is not in the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console's " + name, e);
    }
  }
}
