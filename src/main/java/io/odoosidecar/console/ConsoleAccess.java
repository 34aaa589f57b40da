package io.odoosidecar.console;

import io.odoosidecar.console.ConsoleSessions.Session;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use the console, and from which pages its forms are taken.
 *
 * <p>A request needs no login when the server is bound to a loopback host, the peer is on loopback,
 * no proxy header names another client ({@code Forwarded}, {@code X-Forwarded-For}...) and its
 * {@code Host} names loopback: {@code localhost}, {@code 127.0.0.1}, {@code [::1]} or {@code ::1},
 * on any port. Any other {@code Host} on a loopback request is a page of another name that reached
 * loopback, as a site whose name is made to resolve to 127.0.0.1 does (DNS rebinding), or a name of
 * the machine: it is asked to log in like a remote request, not refused, so that a name of the
 * machine still works with a login, while the rebinding page, having no password, gets no session
 * (and could never read a cookie set for {@code localhost}). Any other request needs a session
 * opened by a login.
 *
 * <p>Every POST (the forms, the login and the logout) must come from the console's own pages: its
 * {@code Origin}, or when it has none its {@code Referer}, must have the request's own scheme, host
 * and port (the scheme https when a proxy that ends TLS says so in {@code X-Forwarded-Proto}).
 * Browsers send {@code Origin} with every POST, so a POST with neither header is refused too.
 *
 * <p>Sessions live in a cookie that is HttpOnly, SameSite=Strict, and Secure when the request came
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
  private static final Set<String> LOOPBACK_NAMES =
      Set.of("localhost", "127.0.0.1", "[::1]", "::1");
  private static final Pattern NAME = Pattern.compile("[a-z0-9._-]+|\\[[0-9a-f:.]+]");
  private static final Pattern BARE_IPV6 = Pattern.compile("[0-9a-f.]*:[0-9a-f:.]*:[0-9a-f:.]*");

  /** A host and port, as in {@code Host} or an origin: the host lower-cased. */
  record Authority(String host, int port) {
    /**
     * The authority of a {@code Host} header or of a URL ({@code host}, {@code host:port}, {@code
     * [v6]:port}, a bare {@code ::1}), with the scheme's port when it names none; empty when it is
     * not one (user info, a path, a port that is not a number).
     */
    static Optional<Authority> parse(String text, int defaultPort) {
      if (text == null) {
        return Optional.empty();
      }
      String value = text.trim().toLowerCase(Locale.ROOT);
      if (BARE_IPV6.matcher(value).matches()) {
        return Optional.of(new Authority(value, defaultPort));
      }
      int colon = value.lastIndexOf(':');
      String host = colon > value.lastIndexOf(']') ? value.substring(0, colon) : value;
      String port = colon > value.lastIndexOf(']') ? value.substring(colon + 1) : "";
      if (!NAME.matcher(host).matches() || !port.matches("[0-9]{0,5}")) {
        return Optional.empty();
      }
      return Optional.of(
          new Authority(host, port.isEmpty() ? defaultPort : Integer.parseInt(port)));
    }
  }

  /** A scheme and authority: what a browser compares to tell one site from another. */
  record Origin(String scheme, Authority authority) {
    /** The origin of a URL ({@code Origin}'s value, or a {@code Referer}); empty when not one. */
    static Optional<Origin> of(String url) {
      try {
        URI uri = new URI(url.trim());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getRawAuthority() == null) {
          return Optional.empty();
        }
        return Authority.parse(uri.getRawAuthority(), defaultPort(scheme))
            .map(a -> new Origin(scheme, a));
      } catch (URISyntaxException e) {
        return Optional.empty();
      }
    }

    @Override
    public String toString() {
      boolean usual = authority.port() == defaultPort(scheme);
      return scheme + "://" + authority.host() + (usual ? "" : ":" + authority.port());
    }
  }

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
    boolean loopbackName =
        Authority.parse(exchange.getRequestHeaders().getFirst(Headers.HOST), 0)
            .filter(a -> LOOPBACK_NAMES.contains(a.host()))
            .isPresent();
    InetSocketAddress peer = exchange.getSourceAddress();
    return loopbackName
        && peer != null
        && peer.getAddress() != null
        && peer.getAddress().isLoopbackAddress();
  }

  /**
   * Why a POST does not come from the console's own pages, or empty when it does: its {@code
   * Origin} (or, without one, its {@code Referer}) must have the scheme, host and port the request
   * was sent to. Browsers send {@code Origin} with every POST, so neither header is refused too.
   */
  static Optional<String> originProblem(HttpServerExchange exchange) {
    String scheme = secure(exchange) ? "https" : "http";
    String hostHeader = exchange.getRequestHeaders().getFirst(Headers.HOST);
    Optional<Authority> host = Authority.parse(hostHeader, defaultPort(scheme));
    if (host.isEmpty()) {
      return Optional.of(
          "the form's Host header ("
              + (hostHeader == null ? "none" : "'" + ConsoleHandler.printable(hostHeader) + "'")
              + ") is not a host: forms are taken only from the console's own pages");
    }
    Origin own = new Origin(scheme, host.get());
    String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    String header = origin != null ? "Origin" : "Referer";
    String value = origin != null ? origin : exchange.getRequestHeaders().getFirst(Headers.REFERER);
    if (value == null) {
      return Optional.of(
          "the form came with neither an Origin nor a Referer header (browsers send Origin with"
              + " every form): forms are taken only from the console's own pages, "
              + own);
    }
    if (Origin.of(value).filter(own::equals).isPresent()) {
      return Optional.empty();
    }
    return Optional.of(
        "the form's "
            + header
            + " header '"
            + ConsoleHandler.printable(value)
            + "' is not the console's own origin "
            + own
            + ": forms are taken only from the console's own pages");
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
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
