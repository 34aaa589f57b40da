package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.console.Authenticator;
import io.odoosidecar.console.LoginThrottle;
import io.odoosidecar.http.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The console's users on the RPC endpoint: checked with Odoo, throttled per login and address. */
class ConsoleRpcUsersTest {
  final TestClock clock = new TestClock(Instant.parse("2026-12-01T10:00:00Z"));
  final List<String> asked = new ArrayList<>();
  final Authenticator odoo =
      (login, password) -> {
        asked.add(login);
        return (login.equals("admin") || login.equals("ops")) && password.equals("right")
            ? Authenticator.Verdict.accepted(login)
            : Authenticator.Verdict.refused(login);
      };
  final ConsoleRpcUsers users =
      new ConsoleRpcUsers(
          odoo, new LoginThrottle(3, clock), Set.of("prod"), Duration.ofHours(1), clock);

  @Test
  void aUserIsCheckedWithOdooGivenTheSameUidAndLetInForTheSessionsLength() {
    OptionalLong uid = users.authenticate("prod", "admin", "right", "10.0.0.1");
    assertThat(uid).isPresent();
    assertThat(uid.getAsLong()).isGreaterThanOrEqualTo(ConsoleRpcUsers.FIRST_UID);
    assertThat(users.authenticate("prod", "admin", "right", "10.0.0.1")).isEqualTo(uid);
    assertThat(users.authenticate("other-db", "admin", "right", "10.0.0.1")).isEmpty();
    asked.clear();

    assertThat(users.valid("prod", uid.getAsLong(), "right", "10.0.0.1")).isTrue();
    assertThat(asked).as("within the session, no call to Odoo").isEmpty();
    clock.advance(Duration.ofHours(2));
    assertThat(users.valid("prod", uid.getAsLong(), "right", "10.0.0.1")).isTrue();
    assertThat(asked).as("past it, Odoo is asked again").containsExactly("admin");
    assertThat(users.valid("prod", 999_999, "right", "10.0.0.1")).isFalse();
  }

  @Test
  void wrongPasswordsFromOneAddressThrottleItAloneAndGuessingAKnownUidIsThrottledToo() {
    long uid = users.authenticate("prod", "admin", "right", "10.0.0.9").getAsLong();
    for (int i = 0; i < 3; i++) {
      assertThat(users.authenticate("prod", "admin", "guess" + i, "10.0.0.66")).isEmpty();
    }
    asked.clear();
    assertThat(users.authenticate("prod", "admin", "right", "10.0.0.66"))
        .as("throttled: refused without asking Odoo")
        .isEmpty();
    assertThat(asked).isEmpty();
    assertThat(users.authenticate("prod", "ops", "right", "10.0.0.9"))
        .as("another user from another address is not locked out (the login itself is, a while)")
        .isPresent();
    clock.advance(Duration.ofMinutes(1));

    for (int i = 0; i < 3; i++) {
      assertThat(users.valid("prod", uid, "guess" + i, "10.0.0.77")).isFalse();
    }
    assertThat(users.valid("prod", uid, "right", "10.0.0.77"))
        .as("guessing with a known uid is throttled as a login is")
        .isFalse();
    clock.advance(Duration.ofMinutes(1));
    assertThat(users.valid("prod", uid, "right", "10.0.0.9"))
        .as("once the wait is over, the right password again")
        .isTrue();
  }
}
