package io.odoosidecar.sync;

import io.odoosidecar.http.Retry;
import io.odoosidecar.sync.auth.SyncAuth;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One outbound sync of an Odoo model to an external REST API (the {@code sync:} entries of the rule
 * files, in the vocabulary of {@code bj.api.sync}).
 *
 * @param name the config's name, unique across the rules folder
 * @param model the Odoo model synced
 * @param filterDomain the domain the records must match (an Odoo domain as text), or null
 * @param urls the URL template by operation ({@code create}, {@code write}, {@code unlink}), with
 *     {@code {field}} placeholders
 * @param methods the HTTP method by operation
 * @param headers headers sent with every request
 * @param params query parameters added to every request
 * @param connectTimeout the connection time-out
 * @param readTimeout the time-out waiting for the answer
 * @param auth how the calls authenticate (the {@code auth} entry, parsed by {@link
 *     io.odoosidecar.sync.auth.AuthKinds})
 * @param mapping the mapping lines; exactly one carries the identifier
 * @param batch how many records one request carries
 * @param batchKey the key a batch's list is sent under, or null for a bare JSON array
 * @param response values of the answer written back onto the records
 * @param status the fields that keep the sync's state on the records
 * @param retry how failed requests are retried
 * @param concurrency how many requests of this config are in flight at once
 * @param on the operations that run the sync by themselves (a synthesized rule), or empty
 * @param triggerFields the watched fields of that rule: on a write, one must have changed
 * @param unlinkBody whether a delete carries the mapped fields as its body
 */
public record SyncConfig(
    String name,
    String model,
    String filterDomain,
    Map<String, String> urls,
    Map<String, String> methods,
    Map<String, String> headers,
    Map<String, String> params,
    Duration connectTimeout,
    Duration readTimeout,
    SyncAuth auth,
    List<MappingLine> mapping,
    int batch,
    String batchKey,
    List<ResponseLine> response,
    StatusFields status,
    Retry retry,
    int concurrency,
    List<String> on,
    List<String> triggerFields,
    boolean unlinkBody) {

  /** The operations a sync knows. */
  public static final List<String> OPERATIONS = List.of("create", "write", "unlink");

  /**
   * A value of the answer written back onto the record.
   *
   * @param key the answer's key, dotted for nested objects
   * @param field the Odoo field written
   */
  public record ResponseLine(String key, String field) {}

  /**
   * The fields that keep a record's sync state, each null when not kept.
   *
   * @param state a selection or char field set to {@code synced} or {@code failed}
   * @param lastSuccess a datetime field set to the time of the last success
   * @param lastError a text field set to the last final error (emptied on success)
   */
  public record StatusFields(String state, String lastSuccess, String lastError) {
    /** No status kept. */
    public static final StatusFields NONE = new StatusFields(null, null, null);

    /** Whether any field is kept. */
    public boolean any() {
      return state != null || lastSuccess != null || lastError != null;
    }
  }

  /** Five attempts, from one second to a minute. */
  public static final Retry DEFAULT_RETRY =
      new Retry(5, Duration.ofSeconds(1), Duration.ofSeconds(60));

  public SyncConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(model, "model");
    urls = copy(urls);
    methods = copy(methods);
    headers = copy(headers);
    params = copy(params);
    Objects.requireNonNull(auth, "auth");
    mapping = List.copyOf(mapping);
    response = List.copyOf(response);
    on = List.copyOf(on);
    triggerFields = List.copyOf(triggerFields);
  }

  /** The URL template of an operation. */
  public String url(String operation) {
    return urls.get(operation);
  }

  /** The HTTP method of an operation. */
  public String method(String operation) {
    return methods.get(operation);
  }

  /** The line carrying the Record Identifier. */
  public MappingLine identifier() {
    return mapping.stream().filter(MappingLine::identifier).findFirst().orElseThrow();
  }

  /** Names the config only: its headers and parameters may hold what is not to be shown. */
  @Override
  public String toString() {
    return "SyncConfig[" + name + " on " + model + ", auth " + auth.kind() + "]";
  }

  private static <V> Map<String, V> copy(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
