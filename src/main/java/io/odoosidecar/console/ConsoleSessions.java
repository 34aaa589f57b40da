package io.odoosidecar.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console's sessions, in memory: each a random id (the cookie's value), the user, a CSRF token
 * and an expiry a fixed time after the login. At most {@link #MAX_SESSIONS} are kept: a new one
 * past that ends the oldest.
 */
public final class ConsoleSessions {
  static final int MAX_SESSIONS = 1_000;

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration timeout;
  private final Map<String, Session> byId = new HashMap<>();
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

  /** Opens a session for a user. */
  public synchronized Session open(String user, boolean local) {
    Instant now = clock.instant();
    byId.values().removeIf(s -> !s.expires().isAfter(now));
    while (byId.size() >= MAX_SESSIONS) {
      byId.values().stream()
          .min(Comparator.comparing(Session::expires))
          .ifPresent(oldest -> byId.remove(oldest.id()));
    }
    notices.keySet().retainAll(byId.keySet());
    Session session = new Session(token(), user, local, token(), now.plus(timeout));
    byId.put(session.id(), session);
    return session;
  }

  /** The session of an id, while it lasts. */
  public synchronized Optional<Session> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Session session = byId.get(id);
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
    byId.remove(id);
    notices.remove(id);
  }

  /** Keeps a notice for the session's next page. */
  public synchronized void notice(String id, String text) {
    if (byId.containsKey(id)) {
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
