package io.odoosidecar.sync;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a sync did: a result per record, and the requests it built (sent, or only built in a dry
 * run).
 *
 * @param results one per record of the request, in its order
 * @param calls the requests, their secret headers masked
 */
public record SyncReport(List<RecordResult> results, List<BuiltCall> calls) {

  public SyncReport {
    results = List.copyOf(results);
    calls = List.copyOf(calls);
  }

  /**
   * What became of one record.
   *
   * @param id the record
   * @param success whether the other side took it (2xx)
   * @param statusCode the answer's status, 0 when none came (or in a dry run)
   * @param response the answer's body decoded as JSON, else its text; for a batch, the part of the
   *     answer matched to this record
   * @param error why it failed, or null
   * @param finalRejection whether the other side refused it for good (4xx): not worth retrying
   */
  public record RecordResult(
      long id,
      boolean success,
      int statusCode,
      Object response,
      String error,
      boolean finalRejection) {}

  /**
   * One request as built.
   *
   * @param ids the records it carries
   * @param method the HTTP method
   * @param uri the URL (credentials masked)
   * @param headers the headers (secrets masked)
   * @param body the body
   * @param idempotencyKey its {@code Idempotency-Key}, or null
   */
  public record BuiltCall(
      List<Long> ids,
      String method,
      URI uri,
      Map<String, List<String>> headers,
      byte[] body,
      String idempotencyKey) {
    public BuiltCall {
      ids = List.copyOf(ids);
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
      body = body.clone();
    }

    @Override
    public byte[] body() {
      return body.clone();
    }

    /** The body as text. */
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof BuiltCall that
          && ids.equals(that.ids)
          && method.equals(that.method)
          && uri.equals(that.uri)
          && java.util.Arrays.equals(body, that.body);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(ids, method, uri, java.util.Arrays.hashCode(body));
    }

    @Override
    public String toString() {
      return method + " " + uri + " " + ids;
    }
  }

  /** The result of a record. */
  public RecordResult result(long id) {
    return results.stream().filter(r -> r.id() == id).findFirst().orElseThrow();
  }
}
