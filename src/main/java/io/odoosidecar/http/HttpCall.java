package io.odoosidecar.http;

import io.odoosidecar.odoo.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One HTTP request. Headers keep their case (looked up without it); the body may be empty ({@code
 * byte[0]}, never null). {@link #toString()} shows the header names only, never their values.
 *
 * @param method the HTTP method, such as {@code POST}
 * @param uri the absolute http:// or https:// URL
 * @param headers the request headers, in order
 * @param body the body's bytes
 * @param connectTimeout the longest wait for the connection
 * @param readTimeout the longest wait for the whole answer once connected (the request time-out)
 */
public record HttpCall(
    String method,
    URI uri,
    Map<String, List<String>> headers,
    byte[] body,
    Duration connectTimeout,
    Duration readTimeout) {

  public HttpCall {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(readTimeout, "readTimeout");
    headers = Headers.copy(headers);
    body = body == null ? new byte[0] : body;
  }

  /** This call with the header {@code name} set to {@code value}, any former value replaced. */
  public HttpCall withHeader(String name, String value) {
    return new HttpCall(
        method, uri, Headers.with(headers, name, value), body, connectTimeout, readTimeout);
  }

  /** The first value of the header {@code name}, its case ignored. */
  public Optional<String> header(String name) {
    return Headers.first(headers, name);
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * This call as it may be shown: the values of the headers named in {@code secretHeaders} (case
   * ignored) and of those secret by their name alone masked (Authorization, Proxy-Authorization,
   * Cookie, Set-Cookie, names holding "signature", or like a password, secret, token or key, but
   * not Idempotency-Key), and the URL's credentials masked.
   */
  public HttpCall redacted(Set<String> secretHeaders) {
    return new HttpCall(
        method,
        redactedUri(),
        Headers.redacted(headers, secretHeaders),
        body,
        connectTimeout,
        readTimeout);
  }

  private URI redactedUri() {
    String shown = Redaction.url(uri);
    try {
      return new URI(shown);
    } catch (URISyntaxException e) {
      return URI.create(uri.getScheme() + "://" + uri.getHost() + "/");
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HttpCall that
        && method.equals(that.method)
        && uri.equals(that.uri)
        && headers.equals(that.headers)
        && java.util.Arrays.equals(body, that.body)
        && connectTimeout.equals(that.connectTimeout)
        && readTimeout.equals(that.readTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(method, uri, headers, java.util.Arrays.hashCode(body));
  }

  @Override
  public String toString() {
    return "HttpCall["
        + method
        + " "
        + Redaction.url(uri)
        + ", headers: "
        + Headers.names(headers)
        + ", body: "
        + body.length
        + " bytes]";
  }
}
