package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.console.ConsoleSessions.Session;
import io.odoosidecar.http.TestClock;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sessions opened without a login (loopback) never push out the sessions of logins. */
class ConsoleSessionsTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  private final ConsoleSessions sessions = new ConsoleSessions(clock, Duration.ofHours(8));

  @Test
  void localSessionsAreCappedApartFromLogins() {
    List<Session> logins = new ArrayList<>();
    for (int i = 0; i < ConsoleSessions.MAX_SESSIONS; i++) {
      logins.add(sessions.open("user" + i, false));
    }
    clock.advance(Duration.ofSeconds(1));
    Session lastLocal = null;
    for (int i = 0; i < 2_000; i++) {
      lastLocal = sessions.open(ConsoleAccess.LOCAL_USER, true);
    }
    for (Session login : logins) {
      assertThat(sessions.find(login.id())).as(login.user()).contains(login);
    }
    assertThat(sessions.find(lastLocal.id())).contains(lastLocal);
    assertThat(sessions.count(true)).isEqualTo(ConsoleSessions.MAX_LOCAL_SESSIONS);
    assertThat(sessions.count(false)).isEqualTo(ConsoleSessions.MAX_SESSIONS);
    assertThat(ConsoleSessions.MAX_LOCAL_SESSIONS).isLessThan(ConsoleSessions.MAX_SESSIONS / 10);
  }

  @Test
  void pastTheCapALoginEndsTheOldestLoginOnly() {
    Session local = sessions.open(ConsoleAccess.LOCAL_USER, true);
    Session oldest = sessions.open("first", false);
    clock.advance(Duration.ofSeconds(1));
    for (int i = 1; i < ConsoleSessions.MAX_SESSIONS; i++) {
      sessions.open("user" + i, false);
    }
    Session newest = sessions.open("newest", false);
    assertThat(sessions.find(oldest.id())).isEmpty();
    assertThat(sessions.find(newest.id())).contains(newest);
    assertThat(sessions.find(local.id())).contains(local);
    assertThat(sessions.count(false)).isEqualTo(ConsoleSessions.MAX_SESSIONS);
  }

  @Test
  void expiredSessionsOfBothKindsEnd() {
    Session local = sessions.open(ConsoleAccess.LOCAL_USER, true);
    Session login = sessions.open("admin", false);
    clock.advance(Duration.ofHours(8));
    assertThat(sessions.find(local.id())).isEmpty();
    assertThat(sessions.find(login.id())).isEmpty();
    sessions.open("next", false);
    assertThat(sessions.count(true)).isZero();
    assertThat(sessions.count(false)).isEqualTo(1);
  }

  @Test
  void twoThousandCookielessLocalRequestsLeaveALoginWorking() {
    try (ConsoleFixture console = ConsoleFixture.loopback()) {
      ConsoleHttp remote = console.http().header("X-Forwarded-For", "203.0.113.9");
      assertThat(remote.get("/rules").statusCode()).isEqualTo(303);
      assertThat(remote.login("admin", ConsoleFixture.ADMIN_PASSWORD).statusCode()).isEqualTo(303);
      console.clock.advance(Duration.ofMinutes(1)); // every local session is newer than the login

      ConsoleHttp local = console.http();
      for (int i = 0; i < 2_000; i++) {
        local.forgetCookies();
        HttpResponse<String> page = local.get("/");
        assertThat(page.statusCode()).as("local request %d", i).isEqualTo(200);
      }

      HttpResponse<String> rules = remote.get("/rules");
      assertThat(rules.statusCode()).isEqualTo(200);
      assertThat(rules.body()).contains(FakeBackend.FAILING, "id=\"user\">admin<");
      assertThat(remote.post("/rules/pause", "rule", FakeBackend.OTHER).statusCode())
          .isEqualTo(303);
      assertThat(console.backend.audit()).containsExactly("pause Welcome partner by admin");
    }
  }

  @Test
  void aLocalPageWhoseSessionWasPushedOutSaysToReload() {
    try (ConsoleFixture console = ConsoleFixture.loopback()) {
      ConsoleHttp first = console.http();
      assertThat(first.get("/rules").statusCode()).isEqualTo(200);
      console.clock.advance(Duration.ofSeconds(1));
      ConsoleHttp others = console.http();
      for (int i = 0; i < ConsoleSessions.MAX_LOCAL_SESSIONS; i++) {
        others.forgetCookies();
        others.get("/");
      }
      HttpResponse<String> stale = first.post("/rules/pause", "rule", FakeBackend.OTHER);
      assertThat(stale.statusCode()).isEqualTo(403);
      assertThat(stale.body()).contains("reload the page");
      assertThat(first.get("/rules").statusCode()).isEqualTo(200);
      assertThat(first.post("/rules/pause", "rule", FakeBackend.OTHER).statusCode()).isEqualTo(303);
    }
  }
}
