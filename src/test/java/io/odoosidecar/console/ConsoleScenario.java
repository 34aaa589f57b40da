package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

/**
 * The console's browser scenario, over any daemon: log in, see a rule whose action fails, open its
 * dead letter and traceback, fix the cause, replay it and see it done; pause and resume a rule;
 * explain a record. It saves screenshots of the main pages (see {@link ConsoleBrowser#screenshot}).
 *
 * @param failingRule a rule whose action fails now and has left a dead letter
 * @param fixCause removes the cause of that failure (the fake flips; a real Odoo is corrected)
 * @param pausedRule a rule to pause and resume
 * @param explainedRule a rule to explain
 * @param explainedRecord a record of its model
 * @param timeout how long a replay may take to be done
 */
public record ConsoleScenario(
    String failingRule,
    Runnable fixCause,
    String pausedRule,
    String explainedRule,
    long explainedRecord,
    Duration timeout) {

  /** Runs the scenario in a browser not yet logged in. */
  public void run(ConsoleBrowser browser) {
    browser.login();
    assertThat(browser.heading()).isEqualTo("Overview");
    browser.screenshot("overview");

    browser.rules();
    assertThat(browser.lastError(failingRule)).isNotEmpty();
    long firedBefore = browser.fired(failingRule);
    browser.screenshot("rules");

    List<Long> letters = browser.deadLettersOf(failingRule);
    assertThat(letters).isNotEmpty();
    long letter = letters.get(0);
    assertThat(browser.traceback(letter)).contains("Traceback");
    browser.screenshot("dead-letters");

    fixCause.run();
    assertThat(browser.replay(letter)).startsWith("Replayed 1 dead letter: " + letter);
    browser.awaitNoDeadLetter(letter, timeout);
    browser.awaitNewestRun(failingRule, "done", timeout);
    browser.screenshot("runs");
    browser.rules();
    assertThat(browser.fired(failingRule)).isGreaterThan(firedBefore);

    assertThat(browser.pause(pausedRule)).contains("Paused");
    assertThat(browser.paused(pausedRule)).isTrue();
    assertThat(browser.resume(pausedRule)).contains("Resumed");
    assertThat(browser.paused(pausedRule)).isFalse();

    ConsoleBrowser.Verdict verdict = browser.explain(explainedRule, explainedRecord);
    assertThat(verdict.fires()).isIn("would fire", "would not fire");
    assertThat(verdict.why()).isNotEmpty();
    assertThat(verdict.comparedValues()).isNotEmpty();
    browser.screenshot("explain");
  }
}
