package io.odoosidecar.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's sessions, in memory: each a random id (the cookie's value), the user, a CSRF token
 * and an expiry a fixed time after the login. Sessions of logins and local sessions (opened without
 * a login, for any cookie-less request from loopback) are kept apart: at most {@link #MAX_SESSIONS}
 * of the first and {@link #MAX_LOCAL_SESSIONS} of the second, a new one past its cap ending the
 * oldest of its own kind. Local requests, which anything on the machine can send without limit,
 * thus never push out a logged-in user, and do not grow the memory held.
 */
public final class ConsoleSessions {
  /** The most sessions of logins kept. */
  static final int MAX_SESSIONS = 1_000;

  /**
   * The most local sessions kept: a few browsers on the machine, each keeping its cookie; a page
   * whose session was pushed out by many cookie-less requests is reloaded to get a new one.
   */
  static final int MAX_LOCAL_SESSIONS = 32;

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration timeout;
  private final Map<String, Session> logins = new LinkedHashMap<>();
  private final Map<String, Session> locals = new LinkedHashMap<>();
  private final Map<String, String> notices = new HashMap<>();

  /**
   * One session.
   *
   * @param id its random id, the cookie's value
   * @param user the login, or {@code local} for a request from loopback
   * @param local whether it was opened without a login, from loopback (valid only there)
   * @param csrf the token every form of the session carries
   * @param expires when it ends
   */
  public record Session(String id, String user, boolean local, String csrf, Instant expires) {
    @Override
    public String toString() {
      return "Session[" + user + (local ? ", local" : "") + ", until " + expires + "]";
    }
  }

  public ConsoleSessions(Clock clock, Duration timeout) {
    this.clock = clock;
    this.timeout = timeout;
  }

  /** Opens a session for a user; past its kind's cap, the oldest of that kind ends. */
  public synchronized Session open(String user, boolean local) {
    Instant now = clock.instant();
    Map<String, Session> kind = local ? locals : logins;
    int cap = local ? MAX_LOCAL_SESSIONS : MAX_SESSIONS;
    kind.values().removeIf(s -> !s.expires().isAfter(now));
    Iterator<String> oldest = kind.keySet().iterator(); // in the order opened
    while (kind.size() >= cap) {
      oldest.next();
      oldest.remove();
    }
    notices.keySet().removeIf(id -> !logins.containsKey(id) && !locals.containsKey(id));
    Session session = new Session(token(), user, local, token(), now.plus(timeout));
    kind.put(session.id(), session);
    return session;
  }

  /** How many sessions of a kind (local, or of logins) are kept, ended ones included. */
  synchronized int count(boolean local) {
    return (local ? locals : logins).size();
  }

  /** The session of an id, while it lasts. */
  public synchronized Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session session = logins.containsKey(id) ? logins.get(id) : locals.get(id);
    if (session == null) {
      return Optional.empty();
    }
    if (!session.expires().isAfter(clock.instant())) {
      close(id);
      return Optional.empty();
    }
    return Optional.of(session);
  }

  /** Ends a session. */
  public synchronized void close(String id) {
    logins.remove(id);
    locals.remove(id);
    notices.remove(id);
  }

  /** Keeps a notice for the session's next page. */
  public synchronized void notice(String id, String text) {
    if (logins.containsKey(id) || locals.containsKey(id)) {
      notices.put(id, text);
    }
  }

  /** The session's notice, once: empty when none. */
  public synchronized String takeNotice(String id) {
    String text = notices.remove(id);
    return text == null ? "" : text;
  }

  /** How long a session lasts. */
  public Duration timeout() {
    return timeout;
  }

  /** A random token: 32 bytes, URL-safe base 64. */
  String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
