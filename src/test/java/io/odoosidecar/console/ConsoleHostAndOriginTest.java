package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A page of another site that reaches the console: through a name re-resolved to loopback (DNS
 * rebinding), which is no longer let in without a login, and through forms posted from its own
 * origin, which are refused by their {@code Origin} or {@code Referer}.
 */
class ConsoleHostAndOriginTest {
  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

  private ConsoleFixture console;

  @AfterEach
  void stop() {
    if (console != null) {
      console.close();
    }
  }

  private ConsoleHttp.Raw get(String host, String path, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Host";
    all[1] = host;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return ConsoleHttp.raw(console.server.port(), "GET", path, "", all);
  }

  private static String cookieOf(ConsoleHttp.Raw answer, String name) {
    for (String cookie : answer.headers().getOrDefault("set-cookie", List.of())) {
      String pair = cookie.split(";", 2)[0];
      if (pair.startsWith(name + "=") && pair.length() > name.length() + 1) {
        return pair.substring(name.length() + 1);
      }
    }
    return null;
  }

  @Test
  void aRebindingPageGetsNoLocalSessionAndCannotPause() {
    console = ConsoleFixture.loopback();
    String host = "rebound.example:" + console.server.port();
    ConsoleHttp.Raw page = get(host, "/");
    assertThat(page.status()).isEqualTo(303);
    assertThat(page.header("Location")).startsWith("/login");
    String session = cookieOf(page, ConsoleAccess.COOKIE);
    assertThat(session).isNull();

    Matcher token = CSRF.matcher(page.body());
    String form =
        "_csrf="
            + (token.find() ? token.group(1) : "")
            + "&rule="
            + ConsoleHttp.encode(FakeBackend.OTHER);
    ConsoleHttp.Raw pause =
        ConsoleHttp.raw(
            console.server.port(),
            "POST",
            "/rules/pause",
            form,
            "Host",
            host,
            "Origin",
            "http://" + host,
            "Content-Type",
            "application/x-www-form-urlencoded",
            "Cookie",
            ConsoleAccess.COOKIE + "=" + session);
    assertThat(pause.status()).isEqualTo(403);
    assertThat(pause.body()).contains("not logged in");
    assertThat(console.backend.audit()).isEmpty();
    assertThat(console.backend.paused(FakeBackend.OTHER)).isFalse();
  }

  @Test
  void aRebindingPageIsShownTheLoginAndItsFormNeedsAPassword() {
    console = ConsoleFixture.loopback();
    String host = "rebound.example:" + console.server.port();
    ConsoleHttp.Raw login = get(host, "/login");
    assertThat(login.status()).isEqualTo(200);
    assertThat(login.body()).contains("name=\"password\"");
    assertThat(get("rebound.example", "/rules").status()).isEqualTo(303);
    assertThat(get("localhost.rebound.example", "/rules").status()).isEqualTo(303);
    assertThat(get("127.0.0.1.rebound.example:" + console.server.port(), "/rules").status())
        .isEqualTo(303);
    assertThat(console.checks).hasValue(0);
  }

  @Test
  void theLoopbackNamesAreLetInOnAnyPort() {
    console = ConsoleFixture.loopback();
    int port = console.server.port();
    for (String host :
        List.of(
            "localhost:" + port,
            "LOCALHOST",
            "127.0.0.1:" + port,
            "127.0.0.1:1",
            "[::1]:" + port,
            "[::1]",
            "::1")) {
      ConsoleHttp.Raw page = get(host, "/rules");
      assertThat(page.status()).as(host).isEqualTo(200);
      assertThat(page.body()).as(host).contains(FakeBackend.FAILING);
    }
  }

  @Test
  void aRequestWithoutHostIsNotLocal() {
    console = ConsoleFixture.loopback();
    ConsoleHttp.Raw page = ConsoleHttp.rawLine(console.server.port(), "GET /rules HTTP/1.0", "");
    assertThat(page.status()).isEqualTo(303);
    assertThat(page.header("Location")).startsWith("/login");
    assertThat(get("", "/rules").status()).isIn(303, 400);
  }

  @Test
  void aHostThatIsNotOneIsNotLocal() {
    console = ConsoleFixture.loopback();
    for (String host : List.of("localhost:http", "admin@localhost", "localhost/x", "[::1")) {
      ConsoleHttp.Raw page = get(host, "/rules");
      assertThat(page.status()).as(host).isIn(303, 400);
      assertThat(page.body()).as(host).doesNotContain(FakeBackend.FAILING);
    }
  }

  @Test
  void aFormFromAnotherOriginIsRefusedNamingTheHeader() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.admin();
    http.get("/rules");

    HttpResponse<String> foreign =
        http.send(form("/rules/pause", http).header("Origin", "http://evil.example"));
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("Origin", "evil.example");

    HttpResponse<String> otherPort =
        http.send(
            form("/rules/pause", http)
                .header("Origin", "http://127.0.0.1:" + (console.server.port() + 1)));
    assertThat(otherPort.statusCode()).isEqualTo(403);

    HttpResponse<String> otherScheme =
        http.send(
            form("/rules/pause", http)
                .header("Origin", "https://127.0.0.1:" + console.server.port()));
    assertThat(otherScheme.statusCode()).isEqualTo(403);

    HttpResponse<String> opaque = http.send(form("/rules/pause", http).header("Origin", "null"));
    assertThat(opaque.statusCode()).isEqualTo(403);
    assertThat(opaque.body()).contains("Origin");

    assertThat(console.backend.paused(FakeBackend.FAILING)).isFalse();
    assertThat(console.backend.audit()).isEmpty();
  }

  @Test
  void withoutOriginTheRefererDecides() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.admin().withoutOrigin();
    http.get("/rules");

    HttpResponse<String> neither = http.send(form("/rules/pause", http));
    assertThat(neither.statusCode()).isEqualTo(403);
    assertThat(neither.body()).contains("Origin", "Referer");

    HttpResponse<String> foreign =
        http.send(form("/rules/pause", http).header("Referer", "http://evil.example/rules?x=1"));
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(foreign.body()).contains("Referer", "evil.example");
    assertThat(console.backend.audit()).isEmpty();

    HttpResponse<String> own =
        http.send(form("/rules/pause", http).header("Referer", console.base + "/rules"));
    assertThat(own.statusCode()).isEqualTo(303);
    assertThat(console.backend.audit()).containsExactly("pause Tag hot leads by admin");
  }

  @Test
  void theLoginAndTheLogoutAreGuardedToo() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http();
    http.get("/login");
    HttpResponse<String> login =
        http.send(
            formOf(
                    "/login",
                    "_csrf",
                    http.csrf(),
                    "login",
                    "admin",
                    "password",
                    ConsoleFixture.ADMIN_PASSWORD)
                .header("Origin", "http://evil.example"));
    assertThat(login.statusCode()).isEqualTo(403);
    assertThat(login.body()).contains("Origin");
    assertThat(console.checks).hasValue(0);
    assertThat(http.cookie(ConsoleAccess.COOKIE)).isNull();

    assertThat(http.login("admin", ConsoleFixture.ADMIN_PASSWORD).statusCode()).isEqualTo(303);
    http.get("/");
    HttpResponse<String> logout =
        http.send(formOf("/logout", "_csrf", http.csrf()).header("Origin", "http://evil.example"));
    assertThat(logout.statusCode()).isEqualTo(403);
    assertThat(http.get("/").statusCode()).isEqualTo(200);
  }

  @Test
  void aLocalFormFromARebindingOriginIsRefused() {
    console = ConsoleFixture.loopback();
    ConsoleHttp http = console.http();
    http.get("/rules");
    HttpResponse<String> rebound =
        http.send(
            form("/rules/pause", http)
                .header("Origin", "http://rebound.example:" + console.server.port()));
    assertThat(rebound.statusCode()).isEqualTo(403);
    assertThat(console.backend.audit()).isEmpty();
    assertThat(http.post("/rules/pause", "rule", FakeBackend.OTHER).statusCode()).isEqualTo(303);
    assertThat(console.backend.audit()).containsExactly("pause Welcome partner by local");
  }

  @Test
  void behindAProxyThatEndsTlsTheOriginIsHttps() {
    console = ConsoleFixture.remote();
    ConsoleHttp http = console.http().header("X-Forwarded-Proto", "https");
    assertThat(http.origin()).startsWith("https://");
    assertThat(http.login("admin", ConsoleFixture.ADMIN_PASSWORD).statusCode()).isEqualTo(303);
    http.get("/rules");
    HttpResponse<String> plain =
        http.send(
            form("/rules/pause", http)
                .header("Origin", "http://127.0.0.1:" + console.server.port()));
    assertThat(plain.statusCode()).isEqualTo(403);
    assertThat(http.post("/rules/pause", "rule", FakeBackend.FAILING).statusCode()).isEqualTo(303);
  }

  @Test
  void originsAreComparedBySchemeHostAndPort() {
    ConsoleAccess.Origin plain =
        new ConsoleAccess.Origin("http", new ConsoleAccess.Authority("localhost", 80));
    assertThat(ConsoleAccess.Origin.of("http://LocalHost")).contains(plain);
    assertThat(ConsoleAccess.Origin.of("http://localhost:80/rules?x=1")).contains(plain);
    assertThat(ConsoleAccess.Origin.of("https://localhost").orElseThrow().authority().port())
        .isEqualTo(443);
    assertThat(ConsoleAccess.Origin.of("http://[::1]:8069").orElseThrow().authority())
        .isEqualTo(new ConsoleAccess.Authority("[::1]", 8069));
    for (String notOne :
        List.of("null", "ftp://localhost", "http://admin@localhost", "localhost", "http://")) {
      assertThat(ConsoleAccess.Origin.of(notOne)).as(notOne).isEmpty();
    }
    assertThat(plain).hasToString("http://localhost");
  }

  private java.net.http.HttpRequest.Builder form(String path, ConsoleHttp http) {
    return formOf(path, "_csrf", http.csrf(), "rule", FakeBackend.FAILING);
  }

  private java.net.http.HttpRequest.Builder formOf(String path, String... pairs) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < pairs.length; i += 2) {
      body.append(i == 0 ? "" : "&")
          .append(ConsoleHttp.encode(pairs[i]))
          .append('=')
          .append(ConsoleHttp.encode(pairs[i + 1]));
    }
    return java.net.http.HttpRequest.newBuilder(java.net.URI.create(console.base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body.toString()));
  }
}
