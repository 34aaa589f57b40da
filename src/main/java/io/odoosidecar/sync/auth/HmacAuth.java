package io.odoosidecar.sync.auth;

import io.odoosidecar.http.HttpCall;
import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.http.Signer;
import io.odoosidecar.odoo.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code kind: hmac}: each try carries a timestamp and an HMAC signature of it and of the body.
 *
 * <p>The timestamp is the Unix time in whole seconds, by the injected clock, at the try (so each
 * retry has a fresh one). The signed bytes are the UTF-8 bytes of {@code TIMESTAMP + "."} followed
 * by the body's bytes exactly as sent (nothing for an empty body); the key is the secret's UTF-8
 * bytes. The signature header's value is {@code PREFIX + encode(HMAC(secret, signed bytes))}, hex
 * in lower case or base64 (standard alphabet, padded).
 *
 * <pre>
 * auth:
 *   kind: hmac
 *   secret-env: PARTNER_SECRET     # or secret-file: /run/secrets/partner-secret
 *   header: X-Signature            # optional, X-Signature by default
 *   timestamp-header: X-Timestamp  # optional, X-Timestamp by default
 *   algorithm: HmacSHA256          # optional: HmacSHA1, HmacSHA256 (default), HmacSHA384, HmacSHA512
 *   encoding: hex                  # optional: hex (default) or base64
 *   prefix: "sha256="              # optional, put verbatim before the signature
 * </pre>
 */
record HmacAuth(
    Secret secret,
    String header,
    String timestampHeader,
    String algorithm,
    String encoding,
    String prefix)
    implements SyncAuth {
  static final String KIND = "hmac";

  static SyncAuth parse(AuthNode node) {
    node.allowOnly(
        KIND,
        List.of(
            "secret-env",
            "secret-file",
            "header",
            "timestamp-header",
            "algorithm",
            "encoding",
            "prefix"));
    Secret secret = node.secret("secret");
    String header = node.string("header").orElse("X-Signature");
    String timestampHeader = node.string("timestamp-header").orElse("X-Timestamp");
    if (header.equalsIgnoreCase(timestampHeader)) {
      throw node.error("timestamp-header", "must differ from header (" + header + ")");
    }
    return new HmacAuth(
        secret,
        header,
        timestampHeader,
        node.choice(
            "algorithm",
            "HmacSHA256",
            List.of("HmacSHA1", "HmacSHA256", "HmacSHA384", "HmacSHA512")),
        node.choice("encoding", "hex", List.of("hex", "base64")),
        node.raw("prefix").orElse(""));
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public List<Secret> secrets() {
    return List.of(secret);
  }

  @Override
  public Signer signer(Clock clock, RetryingSender sender) {
    return new HmacSigner(this, clock);
  }

  /** The signature of {@code body} at {@code timestamp}, as the header carries it. */
  String signature(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(algorithm);
      mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), algorithm));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      byte[] digest = mac.doFinal(body);
      String encoded =
          encoding.equals("hex")
              ? HexFormat.of().formatHex(digest)
              : Base64.getEncoder().encodeToString(digest);
      return prefix + encoded;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(algorithm + " is not available", e);
    }
  }

  /** Signs every try with a fresh timestamp. */
  private static final class HmacSigner implements Signer {
    private final HmacAuth auth;
    private final Clock clock;

    HmacSigner(HmacAuth auth, Clock clock) {
      this.auth = auth;
      this.clock = clock;
    }

    @Override
    public HttpCall sign(HttpCall call) {
      String timestamp = Long.toString(clock.instant().getEpochSecond());
      return call.withHeader(auth.timestampHeader, timestamp)
          .withHeader(auth.header, auth.signature(timestamp, call.body()));
    }

    @Override
    public Set<String> secretHeaders() {
      return Set.of(auth.header);
    }

    @Override
    public String toString() {
      return "HmacSigner[" + auth.header + "]";
    }
  }
}
