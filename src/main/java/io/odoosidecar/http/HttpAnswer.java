package io.odoosidecar.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One HTTP answer. Headers keep their case (looked up without it); the body is never null. {@link
 * #toString()} shows the header names and the body's size only.
 *
 * @param status the HTTP status code
 * @param headers the answer's headers
 * @param body the body's bytes
 * @param truncated whether the body is only the first bytes of a longer one (see {@link
 *     RetryingSender#MAX_ANSWER_BYTES})
 */
public record HttpAnswer(
    int status, Map<String, List<String>> headers, byte[] body, boolean truncated) {
  public HttpAnswer {
    headers = Headers.copy(headers);
    body = body == null ? new byte[0] : body;
  }

  /** A whole answer. */
  public HttpAnswer(int status, Map<String, List<String>> headers, byte[] body) {
    this(status, headers, body, false);
  }

  /** The first value of the header {@code name}, its case ignored. */
  public Optional<String> header(String name) {
    return Headers.first(headers, name);
  }

  /** The body as UTF-8 text. */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Whether the status is 2xx. */
  public boolean successful() {
    return status >= 200 && status < 300;
  }

  /** This answer with the values of Set-Cookie (and any credential header) masked. */
  HttpAnswer redacted() {
    return new HttpAnswer(status, Headers.redacted(headers, Set.of()), body, truncated);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HttpAnswer that
        && status == that.status
        && headers.equals(that.headers)
        && Arrays.equals(body, that.body)
        && truncated == that.truncated;
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, headers, Arrays.hashCode(body), truncated);
  }

  @Override
  public String toString() {
    return "HttpAnswer["
        + status
        + ", headers: "
        + Headers.names(headers)
        + ", body: "
        + body.length
        + " bytes"
        + (truncated ? ", truncated" : "")
        + "]";
  }
}
