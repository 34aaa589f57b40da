package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What each page shows of the fake daemon, and what its forms do. */
class ConsolePagesTest {
  private ConsoleFixture console;
  private ConsoleHttp http;

  @BeforeEach
  void start() {
    console = ConsoleFixture.remote();
    http = console.admin();
  }

  @AfterEach
  void stop() {
    console.close();
  }

  private String page(String path) {
    HttpResponse<String> answer = http.get(path);
    assertThat(answer.statusCode()).as(path).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
    return answer.body();
  }

  @Test
  void theOverviewShowsConnectionsCountsPushPollersAndPython() {
    String html = page("/");
    assertThat(html)
        .contains("data-connection=\"main\"", "18.0", "jsonrpc", ">connected<")
        .contains("data-connection=\"reporting\"", ">unreachable<", "Connection refused")
        .contains("id=\"events-received\">1234<", "id=\"events-pending\">3<")
        .contains("id=\"events-in-flight\">1<", "id=\"events-failed\">1<")
        .contains("id=\"events-dead\">1<")
        .contains("2026-01-01 09:59:55 UTC, lag 85.0 ms")
        .contains("2026-01-01 09:59:00", ">812<")
        .contains("<strong>4</strong> kept, <strong>1</strong> busy");
  }

  @Test
  void theOverviewShowsThisInstanceItsRoleAndTheInstancesAlive() {
    String html = page("/");
    assertThat(html)
        .contains("id=\"instance-id\">sidecar-a<", "id=\"instance-role\">leader<")
        .contains("data-instance=\"sidecar-a\"", "http://10.0.0.1:8765")
        .contains("data-instance=\"sidecar-b\"", "http://10.0.0.2:8765", ">follower<")
        .contains("2026-01-01 09:59:53 UTC");
  }

  @Test
  void theMenuLinksEveryPageThatNeedsNoParameter() {
    String html = page("/");
    for (ConsolePage p : ConsolePages.standard().all()) {
      if (p.inMenu()) {
        assertThat(html).contains("href=\"" + p.route() + "\"");
      }
    }
    assertThat(html).contains("class=\"active\">Overview<");
  }

  @Test
  void theRulesPageShowsEachRuleWithItsFigures() {
    String html = page("/rules");
    assertThat(html)
        .contains("data-rule=\"Tag hot leads\"", "data-rule=\"Welcome partner\"")
        .contains("config/rules/leads.yaml", "on_create_or_write", "crm.lead")
        .contains("ZeroDivisionError: division by zero")
        .contains("href=\"/dead-letters?rule=Tag+hot+leads\">1 dead letter<")
        .contains("href=\"/runs?rule=Tag+hot+leads\"")
        .contains(">12.3 ms<");
  }

  @Test
  void pauseAndResumeSwitchARuleAndSayWho() {
    page("/rules");
    HttpResponse<String> paused = http.post("/rules/pause", "rule", FakeBackend.OTHER);
    assertThat(paused.statusCode()).isEqualTo(303);
    assertThat(paused.headers().firstValue("Location")).hasValue("/rules");
    String html = page("/rules");
    assertThat(html).contains("Paused the rule 'Welcome partner'.");
    assertThat(html).contains(">paused<", ">Resume<");
    assertThat(page("/rules")).doesNotContain("Paused the rule");
    http.post("/rules/resume", "rule", FakeBackend.OTHER);
    assertThat(console.backend.audit())
        .containsExactly("pause Welcome partner by admin", "resume Welcome partner by admin");
    assertThat(console.backend.paused(FakeBackend.OTHER)).isFalse();
  }

  @Test
  void pausingAnUnknownRuleIsNotFound() {
    page("/rules");
    HttpResponse<String> answer = http.post("/rules/pause", "rule", "No such rule");
    assertThat(answer.statusCode()).isEqualTo(404);
    assertThat(answer.body()).contains("no rule is named 'No such rule'");
  }

  @Test
  void theRunsPageShowsActionsCallsAndTheTraceback() {
    String html = page("/runs?rule=Tag+hot+leads");
    assertThat(html)
        .contains("<title>Runs of Tag hot leads · odoo-sidecar</title>")
        .contains("data-result=\"parked\"", "records 7", "events 41", ">12.3 ms<")
        .contains(">object_write<", ">code<", "<code>crm.lead.write</code> 3.9 ms")
        .contains("<code>crm.lead.read</code> 2.5 ms")
        .contains("ZeroDivisionError: division by zero", "line 2, in &lt;module&gt;");
    HttpResponse<String> unknown = http.get("/runs?rule=Nope");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(http.get("/runs").statusCode()).isEqualTo(400);
  }

  @Test
  void theDeadLettersPageShowsTheReasonAttemptsAndTraceback() {
    String html = page("/dead-letters");
    assertThat(html)
        .contains("id=\"dead-41\"", "crm.lead 7", ">write<", ">5<", "Tag hot leads")
        .contains("Traceback (most recent call last):");
    assertThat(page("/dead-letters?rule=Welcome+partner")).contains("No dead letter.");
  }

  @Test
  void replayingOneDeadLetterRunsItAgain() {
    page("/dead-letters");
    http.post("/dead-letters/replay", "one", "41", "rule", "");
    assertThat(page("/dead-letters")).contains("Replayed 1 dead letter: 41.", "id=\"dead-41\"");
    console.backend.fixCause();
    http.post("/dead-letters/replay", "one", "41", "rule", "");
    assertThat(page("/dead-letters")).contains("No dead letter.");
    assertThat(page("/runs?rule=Tag+hot+leads"))
        .containsPattern("(?s)data-result=\"done\".*data-result=\"parked\"");
    assertThat(console.backend.audit()).containsExactly("replay 41 by admin", "replay 41 by admin");
  }

  @Test
  void replayingASelectionTakesTheTickedOnes() {
    long second = console.backend.park(8);
    long third = console.backend.park(7);
    console.backend.fixCause();
    page("/dead-letters");
    http.post("/dead-letters/replay", "id", "41", "id", String.valueOf(third), "rule", "");
    String html = page("/dead-letters");
    assertThat(html).contains("Replayed 2 dead letters: 41, " + third + ".");
    assertThat(html).contains("id=\"dead-" + second + "\"").doesNotContain("id=\"dead-41\"");
  }

  @Test
  void discardingAsksForAConfirmationAndIsRecorded() {
    long second = console.backend.park(8);
    page("/dead-letters");
    HttpResponse<String> confirm =
        http.post("/dead-letters/discard", "id", "41", "id", String.valueOf(second), "rule", "");
    assertThat(confirm.statusCode()).isEqualTo(200);
    assertThat(confirm.body()).contains("id=\"confirm-discard\"", "Discard 2 dead letters");
    assertThat(console.backend.deadLetters()).hasSize(2);
    assertThat(console.backend.audit()).isEmpty();

    http.post(
        "/dead-letters/discard",
        "confirm",
        "yes",
        "id",
        "41",
        "id",
        String.valueOf(second),
        "rule",
        "");
    assertThat(page("/dead-letters")).contains("Discarded 2 dead letters: 41, " + second + ".");
    assertThat(console.backend.deadLetters()).isEmpty();
    assertThat(console.backend.audit())
        .containsExactly("discard 41 by admin", "discard " + second + " by admin");
  }

  @Test
  void aFormWithNothingSelectedDoesNothing() {
    page("/dead-letters");
    http.post("/dead-letters/replay", "rule", "");
    assertThat(page("/dead-letters")).contains("Nothing was selected.");
    assertThat(console.backend.audit()).isEmpty();
  }

  @Test
  void theExplainPageShowsEachLeafWithTheValueCompared() {
    String form = page("/explain");
    assertThat(form).contains("<option value=\"Tag hot leads\">").doesNotContain("id=\"verdict\"");

    String fires = page("/explain?rule=Tag+hot+leads&record=7");
    assertThat(fires)
        .contains("id=\"fires\">would fire<", "both domains hold")
        .contains("id=\"watched\">expected_revenue, priority<")
        .contains("expected_revenue = 50000.0", "priority = '3'")
        .contains("stage = 'new'", "Before-update domain")
        .contains("<option value=\"Tag hot leads\" selected>");

    String quiet = page("/explain?rule=Tag+hot+leads&record=8");
    assertThat(quiet)
        .contains("id=\"fires\">would not fire<")
        .contains("expected_revenue = 100.0", ">FALSE<");

    HttpResponse<String> missing = http.get("/explain?rule=Tag+hot+leads&record=999");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("Odoo has no crm.lead record with id 999");
    assertThat(http.get("/explain?rule=Tag+hot+leads&record=seven").statusCode()).isEqualTo(400);
  }

  @Test
  void theSyncLogAndSchedulesPagesShowTheirEntries() {
    assertThat(page("/sync"))
        .contains("PUT https://api.example.test/leads/7", ">503<", "120.0 ms")
        .contains("POST https://api.example.test/leads", ">201<", "7, 8");
    assertThat(page("/schedules"))
        .contains("Nightly cleanup", "2026-01-01 11:00:00 UTC", ">ok<")
        .contains("Remind stale leads", "never run", ">12<");
  }

  @Test
  void everythingShownIsEscaped() {
    String evil = "<img src=x onerror=alert(1)>";
    console.backend.rule(evil, "file", "leads.yaml", "crm.lead", "on_create");
    String breakout = "x\" onmouseover=\"alert(1)";
    console.backend.rule(breakout, "file", "leads.yaml", "crm.lead", "on_create");
    String html = page("/rules");
    assertThat(html)
        .doesNotContain("<img")
        .contains(">&lt;img src=x onerror=alert(1)&gt;</a>")
        .contains("data-rule=\"&lt;img src=x onerror=alert(1)")
        .doesNotContainPattern("<[a-z][^>]*\" onmouseover=")
        .contains("value=\"x&#34; onmouseover=&#34;alert(1)\"");
    assertThat(page("/explain"))
        .doesNotContain("<img")
        .doesNotContainPattern("<[a-z][^>]*\" onmouseover=");
  }

  @Test
  void noPageShowsASecret() {
    long second = console.backend.park(8);
    List<String> htmls = new ArrayList<>();
    for (String path :
        List.of(
            "/",
            "/rules",
            "/runs?rule=Tag+hot+leads",
            "/runs?rule=Welcome+partner",
            "/dead-letters",
            "/explain",
            "/explain?rule=Tag+hot+leads&record=7",
            "/sync",
            "/schedules",
            "/no-such-page")) {
      htmls.add(http.get(path).body());
    }
    http.get("/dead-letters");
    htmls.add(http.post("/dead-letters/discard", "id", String.valueOf(second), "rule", "").body());
    ConsoleHttp stranger = console.http();
    htmls.add(stranger.get("/login").body());
    htmls.add(stranger.login("admin", ConsoleFixture.PUSH_SECRET).body());
    htmls.add(stranger.login(ConsoleFixture.ODOO_PASSWORD, "x").body());

    String session = http.cookie(ConsoleAccess.COOKIE);
    assertThat(htmls.get(0)).contains("api key was ****");
    assertThat(htmls.get(1)).contains("(****)");
    for (String html : htmls) {
      assertThat(html)
          .doesNotContain(ConsoleFixture.ODOO_PASSWORD)
          .doesNotContain(ConsoleFixture.PUSH_SECRET)
          .doesNotContain(ConsoleFixture.API_KEY)
          .doesNotContain("api-key-&lt;&amp;")
          .doesNotContain(ConsoleFixture.ADMIN_PASSWORD)
          .doesNotContain(session);
    }
  }

  @Test
  void theStyleSheetIsServedFromTheJar() {
    HttpResponse<String> css = console.http().get("/static/console.css");
    assertThat(css.statusCode()).isEqualTo(200);
    assertThat(css.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
    assertThat(css.body()).contains(".badge.ok");
    assertThat(page("/")).contains("href=\"/static/console.css\"");
  }
}
