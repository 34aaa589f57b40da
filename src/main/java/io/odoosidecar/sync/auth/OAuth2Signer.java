package io.odoosidecar.sync.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.http.HttpCall;
import io.odoosidecar.http.Outcome;
import io.odoosidecar.http.Retry;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.http.SigningException;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.odoo.Secret;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Signs calls with an OAuth2 client-credentials token, fetched when none is cached or the cached
 * one is (nearly) expired; see {@link OAuth2ClientCredentials}.
 *
 * <p>Implementation notes: the token is read without a lock; fetching takes the lock and checks
 * again, so callers that find no token while one is being fetched wait for it instead of fetching
 * their own. A 401 forgets the token only if it is still the one the refused call carried, so
 * concurrent 401s with the same old token cause one new fetch, and a token just fetched by another
 * thread is kept. The fetch is one try ({@link Retry#NONE}); a failure worth retrying (no answer,
 * 408, 425, 429, 5xx) is a retriable {@link SigningException}, so the call's own retries cover it.
 * Error messages quote the endpoint's {@code error} and {@code error_description}, with the client
 * secret masked should the endpoint echo it.
 */
final class OAuth2Signer implements Signer {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MARGIN = Duration.ofSeconds(30);
  private static final int QUOTED = 200;

  /** A fetched token; {@code expires} null when the endpoint gave no lifetime. */
  private record Token(String header, Secret access, Instant expires) {
    @Override
    public String toString() {
      return "Token[expires=" + expires + "]";
    }
  }

  private final OAuth2ClientCredentials settings;
  private final Clock clock;
  private final RetryingSender sender;
  private final Object lock = new Object();
  private volatile Token token;

  OAuth2Signer(OAuth2ClientCredentials settings, Clock clock, RetryingSender sender) {
    this.settings = settings;
    this.clock = clock;
    this.sender = sender;
  }

  @Override
  public HttpCall sign(HttpCall call) {
    return call.withHeader("Authorization", current(call).header());
  }

  @Override
  public boolean refreshAfter401() {
    return true;
  }

  @Override
  public void invalidate() {
    synchronized (lock) {
      token = null;
    }
  }

  /** Forgets the token only if it is still the one {@code failed} carried. */
  @Override
  public void invalidate(HttpCall failed) {
    String sent = failed == null ? null : failed.header("Authorization").orElse(null);
    synchronized (lock) {
      Token cached = token;
      if (cached != null && (sent == null || cached.header().equals(sent))) {
        token = null;
      }
    }
  }

  /** The access token held now, if any: a secret to mask in what is shown. */
  Optional<Secret> liveToken() {
    Token cached = token;
    return cached == null ? Optional.empty() : Optional.of(cached.access());
  }

  @Override
  public Set<String> secretHeaders() {
    return Set.of("Authorization");
  }

  @Override
  public String toString() {
    return "OAuth2Signer[" + Redaction.url(settings.tokenUrl()) + "]";
  }

  private Token current(HttpCall call) {
    Token cached = token;
    if (valid(cached)) {
      return cached;
    }
    synchronized (lock) {
      cached = token;
      if (!valid(cached)) {
        cached = fetch(call);
        token = cached;
      }
      return cached;
    }
  }

  private boolean valid(Token cached) {
    return cached != null
        && (cached.expires() == null || clock.instant().isBefore(cached.expires()));
  }

  private Token fetch(HttpCall call) {
    Instant asked = clock.instant();
    Outcome outcome = sender.send(tokenCall(call), Retry.NONE, Signer.none(), attempt -> {});
    if (!(outcome instanceof Outcome.Success)) {
      throw failure(outcome);
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(outcome.answer().body());
    } catch (IOException e) {
      throw new SigningException(where() + " answered with something else than JSON", false);
    }
    JsonNode access = answer == null ? null : answer.get("access_token");
    if (access == null || !access.isTextual() || access.asText().isEmpty()) {
      throw new SigningException(where() + " answered without an access_token", false);
    }
    return new Token(
        "Bearer " + access.asText(),
        Secret.of(access.asText()),
        expiry(asked, answer.get("expires_in")));
  }

  private Instant expiry(Instant asked, JsonNode expiresIn) {
    if (expiresIn == null || !(expiresIn.isNumber() || expiresIn.isTextual())) {
      return null;
    }
    long seconds = expiresIn.asLong(-1);
    if (seconds <= 0) {
      return null;
    }
    Duration lifetime = Duration.ofSeconds(seconds);
    Duration margin = MARGIN.compareTo(lifetime.dividedBy(2)) < 0 ? MARGIN : lifetime.dividedBy(2);
    return asked.plus(lifetime).minus(margin);
  }

  private HttpCall tokenCall(HttpCall call) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    settings.scope().ifPresent(scope -> form.put("scope", scope));
    settings.audience().ifPresent(audience -> form.put("audience", audience));
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));
    headers.put("Accept", List.of("application/json"));
    if (settings.basicClientAuth()) {
      String pair = encode(settings.clientId()) + ":" + encode(settings.clientSecret().reveal());
      headers.put(
          "Authorization",
          List.of(
              "Basic "
                  + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
    } else {
      form.put("client_id", settings.clientId());
      form.put("client_secret", settings.clientSecret().reveal());
    }
    StringJoiner body = new StringJoiner("&");
    form.forEach((name, value) -> body.add(encode(name) + "=" + encode(value)));
    return new HttpCall(
        "POST",
        settings.tokenUrl(),
        headers,
        body.toString().getBytes(StandardCharsets.UTF_8),
        call.connectTimeout(),
        call.readTimeout());
  }

  private SigningException failure(Outcome outcome) {
    if (outcome instanceof Outcome.Exhausted exhausted && exhausted.answer() == null) {
      return new SigningException(where() + " failed: " + masked(exhausted.lastError()), true);
    }
    String reason = "HTTP " + outcome.status() + reason(outcome.answer().body());
    return new SigningException(
        where() + " was refused: " + masked(reason), outcome instanceof Outcome.Exhausted);
  }

  /** The endpoint's {@code error} and {@code error_description}, if it gave them as JSON. */
  private static String reason(byte[] body) {
    try {
      JsonNode answer = JSON.readTree(body);
      if (answer == null || !answer.isObject()) {
        return "";
      }
      String error = answer.path("error").asText("");
      String description = answer.path("error_description").asText("");
      String text = (error + (description.isEmpty() ? "" : ": " + description)).strip();
      text = text.length() > QUOTED ? text.substring(0, QUOTED) + "..." : text;
      return text.isEmpty() ? "" : " " + text;
    } catch (IOException e) {
      return "";
    }
  }

  private String masked(String text) {
    return Redaction.text(text, List.<Secret>of(settings.clientSecret()));
  }

  private String where() {
    return "the OAuth2 token request to " + Redaction.url(settings.tokenUrl());
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
