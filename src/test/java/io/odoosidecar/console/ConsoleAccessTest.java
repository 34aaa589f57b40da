package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Who gets into the console: loopback, logins, sessions, CSRF tokens, the throttle, logout. */
class ConsoleAccessTest {
  private ConsoleFixture console;

  @AfterEach
  void stop() {
    if (console != null) {
      console.close();
    }
  }

  private static List<String> pageRoutes() {
    List<String> routes = new ArrayList<>();
    for (ConsolePage page : ConsolePages.standard().all()) {
      routes.add(page.route().equals("/runs") ? "/runs?rule=Tag+hot+leads" : page.route());
    }
    routes.add("/explain?rule=Tag+hot+leads&record=7");
    return routes;
  }

  @Test
  void everyPageSendsARemoteRequestWithoutSessionToTheLogin() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    for (String route : pageRoutes()) {
      HttpResponse<String> answer = http.get(route);
      assertThat(answer.statusCode()).as(route).isEqualTo(303);
      assertThat(answer.headers().firstValue("Location").orElseThrow())
          .as(route)
          .startsWith("/login?next=");
      assertThat(answer.body()).as(route).doesNotContain(FakeBackend.FAILING);
    }
    assertThat(http.get("/login").body()).contains("name=\"password\"");
  }

  @Test
  void everyFormIsRefusedWithoutSession() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    http.get("/login");
    List<String> forms = new ArrayList<>(ConsolePages.standard().actionRoutes());
    forms.add("/logout");
    assertThat(forms).contains("/rules/pause", "/rules/resume", "/dead-letters/replay");
    for (String form : forms) {
      HttpResponse<String> answer =
          http.post(form, "rule", FakeBackend.FAILING, "id", "41", "one", "41", "confirm", "yes");
      assertThat(answer.statusCode()).as(form).isEqualTo(403);
      assertThat(answer.body()).as(form).contains("not logged in");
    }
    assertThat(console.backend.audit()).isEmpty();
    assertThat(console.backend.deadLetters()).hasSize(1);
  }

  @Test
  void loopbackNeedsNoLoginWhenTheServerIsBoundToLoopback() {
    console = ConsoleFixture.loopback();
    ConsoleHttp http = console.http();
    for (String route : pageRoutes()) {
      assertThat(http.get(route).statusCode()).as(route).isEqualTo(200);
    }
    HttpResponse<String> rules = http.get("/rules");
    assertThat(rules.body()).contains(FakeBackend.FAILING).doesNotContain("id=\"logout\"");
    assertThat(http.post("/rules/pause", "rule", FakeBackend.OTHER).statusCode()).isEqualTo(303);
    assertThat(console.backend.audit()).containsExactly("pause Welcome partner by local");
    assertThat(console.checks).hasValue(0);
  }

  @Test
  void aRequestThroughAProxyNeedsALoginEvenFromLoopback() {
    console = ConsoleFixture.loopback();
    for (String header : List.of("X-Forwarded-For", "Forwarded", "X-Real-IP")) {
      ConsoleHttp http = console.http().header(header, "203.0.113.9");
      HttpResponse<String> answer = http.get("/rules");
      assertThat(answer.statusCode()).as(header).isEqualTo(303);
      assertThat(answer.headers().firstValue("Location").orElseThrow()).startsWith("/login");
    }
  }

  @Test
  void aLocalSessionIsNotHonouredFromAProxy() {
    console = ConsoleFixture.loopback();
    ConsoleHttp http = console.http();
    assertThat(http.get("/").statusCode()).isEqualTo(200);
    assertThat(http.cookie(ConsoleAccess.COOKIE)).isNotNull();
    http.header("X-Forwarded-For", "203.0.113.9");
    assertThat(http.get("/rules").statusCode()).isEqualTo(303);
  }

  @Test
  void aLoginOpensASessionInAStrictHttpOnlyCookie() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    http.get("/rules");
    http.get("/login?next=%2Frules");
    HttpResponse<String> login =
        http.post(
            "/login",
            "login",
            "admin",
            "password",
            ConsoleFixture.ADMIN_PASSWORD,
            "next",
            "/rules");
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/rules");
    String cookie =
        login.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(ConsoleAccess.COOKIE + "="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie)
        .contains("HttpOnly", "SameSite=Strict", "Max-Age=" + ConsoleFixture.TIMEOUT.toSeconds())
        .doesNotContain("Secure");
    HttpResponse<String> rules = http.get("/rules");
    assertThat(rules.statusCode()).isEqualTo(200);
    assertThat(rules.body()).contains(FakeBackend.FAILING, "id=\"user\">admin<");
  }

  @Test
  void theCookieIsSecureWhenTheRequestCameOverHttps() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http().header("X-Forwarded-Proto", "https");
    HttpResponse<String> login = http.login("admin", ConsoleFixture.ADMIN_PASSWORD);
    assertThat(login.headers().allValues("Set-Cookie"))
        .filteredOn(c -> c.startsWith(ConsoleAccess.COOKIE + "="))
        .singleElement()
        .asString()
        .contains("Secure");
  }

  @Test
  void aFormWithoutTheSessionsCsrfTokenIsRefused() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.admin();
    http.get("/rules");
    HttpResponse<String> missing = http.postRaw("/rules/pause", "rule", FakeBackend.FAILING);
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.body()).contains("no CSRF token");
    HttpResponse<String> wrong =
        http.postRaw("/rules/pause", "_csrf", "forged-token", "rule", FakeBackend.FAILING);
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).contains("not this session");
    assertThat(console.backend.paused(FakeBackend.FAILING)).isFalse();

    http.get("/rules");
    assertThat(http.post("/rules/pause", "rule", FakeBackend.FAILING).statusCode()).isEqualTo(303);
    assertThat(console.backend.audit()).containsExactly("pause Tag hot leads by admin");
  }

  @Test
  void anotherSessionsTokenIsRefused() {
    console = ConsoleFixture.remote();
    ConsoleHttp first = console.admin();
    first.get("/rules");
    ConsoleHttp second = console.admin();
    second.get("/rules");
    assertThat(second.csrf()).isNotEqualTo(first.csrf());
    HttpResponse<String> answer =
        second.postRaw("/rules/pause", "_csrf", first.csrf(), "rule", FakeBackend.FAILING);
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(console.backend.audit()).isEmpty();
  }

  @Test
  void theLoginFormIsGuardedByItsOwnToken() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    HttpResponse<String> noCookie =
        http.postRaw("/login", "login", "admin", "password", ConsoleFixture.ADMIN_PASSWORD);
    assertThat(noCookie.statusCode()).isEqualTo(403);
    assertThat(noCookie.body()).contains("CSRF");
    http.get("/login");
    HttpResponse<String> forged =
        http.postRaw(
            "/login", "_csrf", "x", "login", "admin", "password", ConsoleFixture.ADMIN_PASSWORD);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(console.checks).hasValue(0);
    assertThat(http.cookie(ConsoleAccess.COOKIE)).isNull();
  }

  @Test
  void aUserOutsideTheGroupIsRefused() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    HttpResponse<String> answer = http.login("demo", ConsoleFixture.DEMO_PASSWORD);
    assertThat(answer.statusCode()).isEqualTo(403);
    assertThat(answer.body()).contains("not in the group base.group_system");
    assertThat(http.cookie(ConsoleAccess.COOKIE)).isNull();
    assertThat(http.get("/").statusCode()).isEqualTo(303);
  }

  @Test
  void wrongCredentialsAreRefusedAndNotEchoed() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    HttpResponse<String> answer = http.login("admin", "guess-" + ConsoleFixture.ODOO_PASSWORD);
    assertThat(answer.statusCode()).isEqualTo(401);
    assertThat(answer.body())
        .contains("wrong login or password", "value=\"admin\"")
        .doesNotContain("guess-");
  }

  @Test
  void odooAwayIsNotCountedAsAFailure() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    for (int i = 0; i < 7; i++) {
      assertThat(http.login("odoo-down", "x").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void afterFiveFailuresALoginWaitsAndIsAnswered429() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    for (int i = 0; i < 5; i++) {
      assertThat(http.login("admin", "wrong-" + i).statusCode()).isEqualTo(401);
    }
    int checked = console.checks.get();
    HttpResponse<String> held = http.login("admin", ConsoleFixture.ADMIN_PASSWORD);
    assertThat(held.statusCode()).isEqualTo(429);
    long wait = Long.parseLong(held.headers().firstValue("Retry-After").orElseThrow());
    assertThat(wait).isPositive();
    assertThat(held.body()).contains("too many failed logins");
    assertThat(console.checks).hasValue(checked);
    assertThat(http.cookie(ConsoleAccess.COOKIE)).isNull();

    console.clock.advance(Duration.ofSeconds(wait));
    assertThat(http.login("admin", "wrong-again").statusCode()).isEqualTo(401);
    long longer =
        Long.parseLong(
            http.login("admin", ConsoleFixture.ADMIN_PASSWORD)
                .headers()
                .firstValue("Retry-After")
                .orElseThrow());
    assertThat(longer).isGreaterThan(wait);

    console.clock.advance(Duration.ofSeconds(longer));
    assertThat(http.login("admin", ConsoleFixture.ADMIN_PASSWORD).statusCode()).isEqualTo(303);
  }

  @Test
  void failuresAcrossLoginsFromOneAddressAreThrottledToo() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    for (int i = 0; i < 5; i++) {
      assertThat(http.login("user" + i, "wrong").statusCode()).isEqualTo(401);
    }
    assertThat(http.login("someone-else", "wrong").statusCode()).isEqualTo(429);
  }

  @Test
  void logoutEndsTheSession() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.admin();
    String session = http.cookie(ConsoleAccess.COOKIE);
    assertThat(http.get("/").body()).contains("id=\"logout\"");
    HttpResponse<String> out = http.post("/logout");
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(out.headers().firstValue("Location")).hasValue("/login?done=logout");
    assertThat(http.cookie(ConsoleAccess.COOKIE)).isNull();
    assertThat(http.get("/login?done=logout").body()).contains("You are logged out.");

    http.setCookie(ConsoleAccess.COOKIE, session);
    assertThat(http.get("/").statusCode()).isEqualTo(303);
  }

  @Test
  void aSessionEndsAfterTheTimeout() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.admin();
    assertThat(http.get("/").statusCode()).isEqualTo(200);
    console.clock.advance(ConsoleFixture.TIMEOUT.minusMinutes(1));
    assertThat(http.get("/").statusCode()).isEqualTo(200);
    console.clock.advance(Duration.ofMinutes(1));
    assertThat(http.get("/").statusCode()).isEqualTo(303);
  }

  @Test
  void aLoginGoesOnlyToAPathOfTheConsole() {
    assertThat(ConsoleHandler.safeNext("/rules?x=1")).isEqualTo("/rules?x=1");
    for (String outside :
        List.of("//evil.example/", "https://evil.example/", "/\\evil.example", "/login", "")) {
      assertThat(ConsoleHandler.safeNext(outside)).as(outside).isEqualTo("/");
    }
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    http.get("/login");
    HttpResponse<String> login =
        http.post(
            "/login",
            "login",
            "admin",
            "password",
            ConsoleFixture.ADMIN_PASSWORD,
            "next",
            "//evil.example/");
    assertThat(login.headers().firstValue("Location")).hasValue("/");
  }

  @Test
  void theConsoleWorksBelowAPrefixToo() {
    console = new ConsoleFixture("0.0.0.0", "/console/");
    ConsoleHttp http = console.http();
    HttpResponse<String> away = http.get("/rules");
    assertThat(away.headers().firstValue("Location")).hasValue("/console/login?next=%2Frules");
    http.get("/login");
    HttpResponse<String> login =
        http.post(
            "/login",
            "login",
            "admin",
            "password",
            ConsoleFixture.ADMIN_PASSWORD,
            "next",
            "/rules");
    assertThat(login.headers().firstValue("Location")).hasValue("/console/rules");
    String rules = http.get("/rules").body();
    assertThat(rules)
        .contains("href=\"/console/static/console.css\"", "href=\"/console/dead-letters\"")
        .contains("action=\"/console/rules/pause\"");
    http.post("/rules/pause", "rule", FakeBackend.OTHER);
    assertThat(console.backend.audit()).containsExactly("pause Welcome partner by admin");
  }

  @Test
  void everyAnswerForbidsScriptsFramesAndCaching() {
    console = ConsoleFixture.remote();
    HttpResponse<String> login = console.http().get("/login");
    assertThat(login.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'", "frame-ancestors 'none'", "form-action 'self'");
    assertThat(login.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(login.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(login.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
  }

  @Test
  void badRequestsGetAReason() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.admin();
    assertThat(http.get("/no-such-page").statusCode()).isEqualTo(404);
    HttpResponse<String> put =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(console.base + "/rules"))
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("x")));
    assertThat(put.statusCode()).isEqualTo(405);
    http.get("/rules");
    HttpResponse<String> json =
        http.send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create(console.base + "/rules/pause"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(json.statusCode()).isEqualTo(415);
    HttpResponse<String> large = http.post("/rules/pause", "rule", "x".repeat(70_000));
    assertThat(large.statusCode()).isEqualTo(413);
    HttpResponse<String> notANumber =
        http.post("/dead-letters/replay", "id", "41; DROP TABLE", "rule", "");
    assertThat(notANumber.statusCode()).isEqualTo(400);
    assertThat(notANumber.body()).contains("must be a number");
  }
}
