package io.odoosidecar.console;

import io.odoosidecar.console.ConsoleSessions.Session;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the console. A request from loopback to a server bound to a loopback host needs no
 * login (a request that went through a proxy, which names the original client in {@code Forwarded}
 * or {@code X-Forwarded-For}, is not from loopback); any other needs a session opened by a login.
 * Sessions live in a cookie that is HttpOnly, SameSite=Strict, and Secure when the request came
 * over https; every form of a session carries its CSRF token.
 */
public final class ConsoleAccess {
  /** The session cookie's name. */
  public static final String COOKIE = "sidecar_console";

  /** The login form's own CSRF cookie (a token the form repeats): no session exists yet then. */
  public static final String LOGIN_COOKIE = "sidecar_console_login";

  /** The user of the sessions opened from loopback without a login. */
  public static final String LOCAL_USER = "local";

  private static final List<String> PROXY_HEADERS =
      List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP");
  private static final HttpString FORWARDED_PROTO = new HttpString("X-Forwarded-Proto");

  private final boolean boundToLoopback;
  private final ConsoleSessions sessions;
  private final LoginThrottle throttle;

  public ConsoleAccess(ConsoleSettings settings, Clock clock) {
    this.boundToLoopback = loopbackHost(settings.bindHost());
    this.sessions = new ConsoleSessions(clock, settings.sessionTimeout());
    this.throttle = new LoginThrottle(settings.loginThrottle(), clock);
  }

  /**
   * Whether a host names a loopback address ({@code 127.0.0.1}, {@code ::1}, {@code localhost}).
   */
  static boolean loopbackHost(String host) {
    if (host.isBlank()) {
      return false;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether the request may go without a login. */
  public boolean local(HttpServerExchange exchange) {
    if (!boundToLoopback) {
      return false;
    }
    for (String header : PROXY_HEADERS) {
      if (exchange.getRequestHeaders().contains(header)) {
        return false;
      }
    }
    InetSocketAddress peer = exchange.getSourceAddress();
    return peer != null && peer.getAddress() != null && peer.getAddress().isLoopbackAddress();
  }

  /** The peer's address, for the throttle. */
  static String address(HttpServerExchange exchange) {
    InetSocketAddress peer = exchange.getSourceAddress();
    return peer == null || peer.getAddress() == null
        ? "unknown"
        : peer.getAddress().getHostAddress();
  }

  /** The request's session: a local one only while the request is local. */
  public Optional<Session> session(HttpServerExchange exchange) {
    Cookie cookie = exchange.getRequestCookie(COOKIE);
    return sessions
        .find(cookie == null ? null : cookie.getValue())
        .filter(s -> !s.local() || local(exchange));
  }

  /** Opens a session for a user and sets its cookie. */
  Session open(HttpServerExchange exchange, String user, boolean local) {
    Session session = sessions.open(user, local);
    setCookie(exchange, COOKIE, session.id(), sessions.timeout().toSeconds());
    return session;
  }

  /** Ends the request's session and clears its cookie. */
  void close(HttpServerExchange exchange, Session session) {
    sessions.close(session.id());
    setCookie(exchange, COOKIE, "", 0);
  }

  ConsoleSessions sessions() {
    return sessions;
  }

  LoginThrottle throttle() {
    return throttle;
  }

  /** Why a form's token does not belong to the session, or empty when it does. */
  static Optional<String> csrfProblem(String expected, String given) {
    if (given == null || given.isEmpty()) {
      return Optional.of("the form has no CSRF token: reload the page and send it again");
    }
    boolean same =
        expected != null
            && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    return same
        ? Optional.empty()
        : Optional.of(
            "the form's CSRF token is not this session's: reload the page and send it again");
  }

  /** The login form's token: the one its cookie holds, or a new one set in the cookie. */
  String loginToken(HttpServerExchange exchange) {
    Cookie cookie = exchange.getRequestCookie(LOGIN_COOKIE);
    if (cookie != null && cookie.getValue().matches("[A-Za-z0-9_-]{43}")) {
      return cookie.getValue();
    }
    String token = sessions.token();
    setCookie(exchange, LOGIN_COOKIE, token, sessions.timeout().toSeconds());
    return token;
  }

  /** The token of the login cookie, or null. */
  static String loginCookie(HttpServerExchange exchange) {
    Cookie cookie = exchange.getRequestCookie(LOGIN_COOKIE);
    return cookie == null ? null : cookie.getValue();
  }

  /** Clears the login form's cookie once logged in. */
  void clearLoginCookie(HttpServerExchange exchange) {
    setCookie(exchange, LOGIN_COOKIE, "", 0);
  }

  /** Whether the browser reached the server over https (directly or through a proxy). */
  static boolean secure(HttpServerExchange exchange) {
    return "https".equalsIgnoreCase(exchange.getRequestScheme())
        || "https".equalsIgnoreCase(exchange.getRequestHeaders().getFirst(FORWARDED_PROTO));
  }

  private static void setCookie(
      HttpServerExchange exchange, String name, String value, long maxAgeSeconds) {
    StringBuilder cookie =
        new StringBuilder(name)
            .append('=')
            .append(value)
            .append("; Path=/; Max-Age=")
            .append(maxAgeSeconds)
            .append("; HttpOnly; SameSite=Strict");
    if (secure(exchange)) {
      cookie.append("; Secure");
    }
    exchange.getResponseHeaders().add(Headers.SET_COOKIE, cookie.toString());
  }
}
