package io.odoosidecar.sync.auth;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.odoo.Secret;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * {@code kind: oauth2-client-credentials}: an access token fetched from the token endpoint with the
 * client credentials grant (RFC 6749 section 4.4), sent as {@code Authorization: Bearer TOKEN}.
 *
 * <pre>
 * auth:
 *   kind: oauth2-client-credentials
 *   token-url: https://auth.example.com/oauth/token   # required
 *   client-id: odoo-sync                               # required
 *   client-secret-env: CRM_CLIENT_SECRET               # or client-secret-file: /run/secrets/crm
 *   scope: "contacts.write"                            # optional
 *   audience: https://api.example.com                  # optional (Auth0, Okta)
 *   client-auth: basic                                 # optional: basic (default) or body
 * </pre>
 *
 * <p>The token request is {@code POST token-url} with the form {@code
 * grant_type=client_credentials} (and {@code scope}, {@code audience} when given). With {@code
 * client-auth: basic} the client is authenticated by {@code Authorization: Basic
 * base64(urlencode(id) ":" urlencode(secret))}; with {@code body}, {@code client_id} and {@code
 * client_secret} go in the form. The answer's {@code access_token} is kept until {@code expires_in}
 * seconds minus a margin (30 s, or half of {@code expires_in} when shorter) by the injected clock,
 * or until a 401 when there is no {@code expires_in}; a call answered 401 invalidates it and is
 * tried once more with a new token. Concurrent callers needing a token share one fetch. The current
 * access token of each signer built from this auth counts among its {@link #secrets()}.
 */
record OAuth2ClientCredentials(
    URI tokenUrl,
    String clientId,
    Secret clientSecret,
    Optional<String> scope,
    Optional<String> audience,
    boolean basicClientAuth,
    Tokens tokens)
    implements SyncAuth {
  static final String KIND = "oauth2-client-credentials";

  static SyncAuth parse(AuthNode node) {
    node.allowOnly(
        KIND,
        List.of(
            "token-url",
            "client-id",
            "client-secret-env",
            "client-secret-file",
            "scope",
            "audience",
            "client-auth"));
    URI tokenUrl = node.url("token-url", "the token endpoint's URL");
    String clientId = node.require("client-id", "the OAuth2 client's id");
    Secret secret = node.secret("client-secret");
    return new OAuth2ClientCredentials(
        tokenUrl,
        clientId,
        secret,
        node.string("scope"),
        node.string("audience"),
        node.choice("client-auth", "basic", List.of("basic", "body")).equals("basic"),
        new Tokens());
  }

  /**
   * The signers built from one auth, so that the access tokens they hold count among its {@link
   * #secrets()}: an API echoing the token in an answer has it masked like the client secret.
   */
  static final class Tokens {
    private final Set<OAuth2Signer> signers = new CopyOnWriteArraySet<>();

    void add(OAuth2Signer signer) {
      signers.add(signer);
    }

    List<Secret> live() {
      return signers.stream().map(OAuth2Signer::liveToken).flatMap(Optional::stream).toList();
    }

    @Override
    public String toString() {
      return "Tokens[" + signers.size() + " signers]";
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String toString() {
    return "OAuth2ClientCredentials[token-url="
        + io.odoosidecar.odoo.Redaction.url(tokenUrl)
        + ", client-id="
        + clientId
        + ", client-secret="
        + clientSecret
        + "]";
  }

  @Override
  public List<Secret> secrets() {
    List<Secret> out = new ArrayList<>();
    out.add(clientSecret);
    out.addAll(tokens.live());
    return out;
  }

  @Override
  public Signer signer(Clock clock, RetryingSender sender) {
    OAuth2Signer signer = new OAuth2Signer(this, clock, sender);
    tokens.add(signer);
    return signer;
  }
}
