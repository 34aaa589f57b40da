package io.odoosidecar.app;

import io.odoosidecar.console.Authenticator;
import io.odoosidecar.console.LoginThrottle;
import io.odoosidecar.server.RpcModels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The console's users on the sidecar's RPC endpoint: {@code authenticate(db, login, password)}
 * checks the Odoo login as the console does (its group, the same throttle) and answers a uid of the
 * sidecar's own; calls with that uid and password are let in for as long as a console session
 * lasts, then checked with Odoo again.
 */
final class ConsoleRpcUsers implements RpcModels.Users {
  /** The sidecar's uids for console users start here (the push secret's caller is 1). */
  static final long FIRST_UID = 1000;

  private record Login(String login, byte[] digest, Instant until) {}

  private final Authenticator authenticator;
  private final LoginThrottle throttle;
  private final java.util.Set<String> databases;
  private final Duration lasts;
  private final Clock clock;
  private final Map<String, Long> uids = new ConcurrentHashMap<>();
  private final Map<Long, Login> logins = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong(FIRST_UID);

  ConsoleRpcUsers(
      Authenticator authenticator,
      LoginThrottle throttle,
      java.util.Set<String> databases,
      Duration lasts,
      Clock clock) {
    this.authenticator = authenticator;
    this.throttle = throttle;
    this.databases = java.util.Set.copyOf(databases);
    this.lasts = lasts;
    this.clock = clock;
  }

  @Override
  public OptionalLong authenticate(String database, String login, String password, String peer) {
    if (!databases.contains(database) || login == null || login.isEmpty()) {
      return OptionalLong.empty();
    }
    String address = "rpc:" + peer;
    if (throttle.wait(login, address).isPresent()) {
      return OptionalLong.empty(); // too many wrong passwords lately: refused without asking Odoo
    }
    Authenticator.Verdict verdict = authenticator.authenticate(login, password);
    if (!verdict.accepted()) {
      if (verdict.outcome() != Authenticator.Outcome.UNAVAILABLE) {
        throttle.failed(login, address);
      }
      return OptionalLong.empty();
    }
    throttle.succeeded(login);
    long uid = uids.computeIfAbsent(login, l -> next.getAndIncrement());
    logins.put(uid, new Login(login, digest(password), clock.instant().plus(lasts)));
    return OptionalLong.of(uid);
  }

  @Override
  public boolean valid(String database, long uid, String password, String peer) {
    Login known = logins.get(uid);
    if (known == null || !databases.contains(database)) {
      return false;
    }
    String address = "rpc:" + peer;
    if (throttle.wait(known.login(), address).isPresent()) {
      return false; // guessing a logged-in user's password is throttled as a login is
    }
    if (known.until().isAfter(clock.instant())) {
      if (MessageDigest.isEqual(known.digest(), digest(password))) {
        return true;
      }
      throttle.failed(known.login(), address);
      return false;
    }
    return authenticate(database, known.login(), password, peer).orElse(-1) == uid;
  }

  private static byte[] digest(String password) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(String.valueOf(password).getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
