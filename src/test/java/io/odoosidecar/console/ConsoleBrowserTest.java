package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console in headless Chromium over the fake daemon, logged in as a remote user. */
class ConsoleBrowserTest {
  private ConsoleFixture console;
  private ConsoleBrowser browser;

  @BeforeAll
  static void chromium() {
    assumeTrue(
        ConsoleBrowser.available(),
        "browser tests skipped: no "
            + ConsoleBrowser.DRIVER
            + " (apt-get install chromium chromium-driver; scripts/test installs them)");
  }

  @BeforeEach
  void start() {
    console = ConsoleFixture.remote();
    browser = new ConsoleBrowser(console.base, "admin", ConsoleFixture.ADMIN_PASSWORD);
  }

  @AfterEach
  void stop() {
    browser.close();
    console.close();
  }

  @Test
  void theScenarioRunsOverTheFakeDaemon() {
    new ConsoleScenario(
            FakeBackend.FAILING,
            console.backend::fixCause,
            FakeBackend.OTHER,
            FakeBackend.FAILING,
            7,
            Duration.ofSeconds(10))
        .run(browser);
    assertThat(console.backend.deadLetters()).isEmpty();
    assertThat(console.backend.audit())
        .containsExactly(
            "replay 41 by admin",
            "pause Welcome partner by admin",
            "resume Welcome partner by admin");
    assertThat(browser.explain(FakeBackend.FAILING, 7).fires()).isEqualTo("would fire");
    ConsoleBrowser.Verdict quiet = browser.explain(FakeBackend.FAILING, 8);
    assertThat(quiet.fires()).isEqualTo("would not fire");
    assertThat(quiet.comparedValues()).contains("expected_revenue = 100.0");
  }

  @Test
  void aReplayBeforeTheFixLeavesTheDeadLetter() {
    browser.login();
    List<Long> letters = browser.deadLettersOf(FakeBackend.FAILING);
    browser.replay(letters.get(0));
    assertThat(browser.deadLetterIds()).contains(letters.get(0));
    assertThat(browser.runs(FakeBackend.FAILING).runResults()).startsWith("parked", "parked");
  }

  @Test
  void discardingInTheBrowserTakesAConfirmation() {
    long second = console.backend.park(8);
    browser.login().deadLetters();
    assertThat(browser.discard(List.of(second))).startsWith("Discarded 1 dead letter: " + second);
    assertThat(browser.deadLetterIds()).containsExactly(41L);
    assertThat(console.backend.audit()).containsExactly("discard " + second + " by admin");
  }

  @Test
  void aWrongPasswordKeepsTheBrowserOutAndLogoutEndsTheSession() {
    assertThat(browser.loginRefused("admin", "not-the-password"))
        .isEqualTo("wrong login or password");
    browser.login();
    assertThat(browser.deadCount()).isEqualTo(1);
    browser.logout();
    assertThat(browser.notice()).isEqualTo("You are logged out.");
    browser.rules();
    assertThat(browser.heading()).isEqualTo("Log in");
  }
}
