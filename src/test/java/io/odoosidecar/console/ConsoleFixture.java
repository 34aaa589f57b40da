package io.odoosidecar.console;

import io.odoosidecar.http.TestClock;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The console over the fake backend on a loopback port. The console is told the host it is bound
 * to: {@code 0.0.0.0} makes it ask for a login even from loopback (the remote case), {@code
 * 127.0.0.1} lets loopback in.
 */
final class ConsoleFixture implements AutoCloseable {
  static final String ODOO_PASSWORD = "odoo-service-password-71";
  static final String PUSH_SECRET = "push-shared-secret-9f3a";
  static final String API_KEY = "api-key-<&\"'>-2b1c";
  static final String ADMIN_PASSWORD = "admin-password-4e8d";
  static final String DEMO_PASSWORD = "demo-password-1a2b";
  static final Duration TIMEOUT = Duration.ofHours(8);

  final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  final FakeBackend backend = new FakeBackend(clock, API_KEY);
  final AtomicInteger checks = new AtomicInteger();
  final HttpServer server;
  final String base;

  /** Users: admin (in the group), demo (not in it), odoo-down (Odoo away); others refused. */
  ConsoleFixture(String bindHost) {
    this(bindHost, "/");
  }

  /** The console mounted at a prefix ({@code /}, or {@code /console/} for a sub-path). */
  ConsoleFixture(String bindHost, String prefix) {
    Authenticator authenticator =
        (login, password) -> {
          checks.incrementAndGet();
          if (login.equals("odoo-down")) {
            return Authenticator.Verdict.unavailable(login, "Odoo cannot be reached");
          }
          if (login.equals("admin") && password.equals(ADMIN_PASSWORD)) {
            return Authenticator.Verdict.accepted("admin");
          }
          if (login.equals("demo") && password.equals(DEMO_PASSWORD)) {
            return Authenticator.Verdict.notInGroup(
                login, "user 'demo' is not in the group base.group_system");
          }
          return Authenticator.Verdict.refused(login);
        };
    ConsoleSettings settings =
        new ConsoleSettings(
            bindHost,
            ConsoleSettings.DEFAULT_GROUP,
            TIMEOUT,
            5,
            List.of(Secret.of(ODOO_PASSWORD), Secret.of(PUSH_SECRET), Secret.of(API_KEY)));
    server =
        TestServers.started(
            Map.of(prefix, new ConsoleHandler(backend, authenticator, settings, clock)));
    base = "http://127.0.0.1:" + server.port() + prefix.substring(0, prefix.length() - 1);
  }

  /** A remote console: every request needs a login. */
  static ConsoleFixture remote() {
    return new ConsoleFixture("0.0.0.0");
  }

  /** A console bound to loopback: requests from loopback need no login. */
  static ConsoleFixture loopback() {
    return new ConsoleFixture("127.0.0.1");
  }

  ConsoleHttp http() {
    return new ConsoleHttp(base);
  }

  /** A client logged in as admin. */
  ConsoleHttp admin() {
    ConsoleHttp http = http();
    int status = http.login("admin", ADMIN_PASSWORD).statusCode();
    if (status != 303) {
      throw new IllegalStateException("admin's login answered " + status);
    }
    return http;
  }

  @Override
  public void close() {
    server.stop();
  }
}
