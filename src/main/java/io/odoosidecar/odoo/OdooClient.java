package io.odoosidecar.odoo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection to one Odoo database, over XML-RPC, JSON-RPC or JSON-2.
 *
 * <p>Every call goes through {@link #executeKw}; the other methods are typed helpers over it.
 * Arguments may hold Java values ({@link java.time.LocalDate}, {@link java.time.Instant}, {@link
 * Many2one}, {@link Command}, ...), which {@link ValueCodec} encodes; results are wire values
 * ({@code Long}, {@code Double}, {@code String}, {@code Boolean}, {@code List}, {@code Map}).
 *
 * <p>Failures are {@link OdooFaultException} (Odoo refused: never retried), {@link
 * OdooAuthenticationException} (credentials refused) and {@link OdooTransportException} (no answer:
 * read-only calls were already retried with backoff; calls that change data are not re-sent after a
 * failure that may have reached the server).
 */
public interface OdooClient extends AutoCloseable {

  /** The name of this connection in the configuration. */
  String name();

  /** The database this client works on. */
  String database();

  /** The transport in use (never {@link TransportKind#AUTO}). */
  TransportKind transport();

  /** The server's version. */
  ServerVersion version();

  /** Checks the credentials and returns the user id; later calls reuse the session. */
  long authenticate();

  /** Runs {@code model.method(*args, **kwargs)} on the server and returns its wire result. */
  Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs);

  /** A view of this client whose calls all carry these context keys (over the caller's ones). */
  OdooClient withContext(Map<String, ?> context);

  /** Field metadata of a model, cached (see {@link #invalidateFields}). */
  Map<String, FieldInfo> fieldsGet(String model);

  /** Forgets the cached field metadata of a model, or of every model when {@code model} is null. */
  void invalidateFields(String model);

  @Override
  void close();

  // ------------------------------------------------------------------- typed helpers

  /** Runs a method without keyword arguments. */
  default Object execute(String model, String method, Object... args) {
    return executeKw(model, method, List.of(args), Map.of());
  }

  /** The ids of the records matching {@code domain}. */
  default List<Long> search(String model, List<?> domain, SearchOptions options) {
    return ValueCodec.asIds(executeKw(model, "search", List.of(domain), paging(options)));
  }

  /** The ids of every record matching {@code domain}. */
  default List<Long> search(String model, List<?> domain) {
    return search(model, domain, SearchOptions.ALL);
  }

  /** The number of records matching {@code domain}. */
  default long searchCount(String model, List<?> domain) {
    return ValueCodec.asLong(executeKw(model, "search_count", List.of(domain), Map.of()));
  }

  /** Reads {@code fields} (all when empty) of the records matching {@code domain}. */
  default List<OdooRecord> searchRead(
      String model, List<?> domain, List<String> fields, SearchOptions options) {
    Map<String, Object> kwargs = paging(options);
    kwargs.put("fields", fields);
    return records(executeKw(model, "search_read", List.of(domain), kwargs));
  }

  /** Reads {@code fields} (all when empty) of the records {@code ids}; deleted ids are left out. */
  default List<OdooRecord> read(String model, Collection<Long> ids, List<String> fields) {
    return records(executeKw(model, "read", List.of(List.copyOf(ids), fields), Map.of()));
  }

  /** Creates one record and returns its id. */
  default long create(String model, Map<String, ?> values) {
    List<Long> ids = createMany(model, List.of(values));
    if (ids.size() != 1) {
      throw new IllegalStateException("create of one " + model + " answered " + ids);
    }
    return ids.get(0);
  }

  /** Creates several records in one call and returns their ids, in order. */
  default List<Long> createMany(String model, List<? extends Map<String, ?>> valuesList) {
    return ValueCodec.asIds(executeKw(model, "create", List.of(valuesList), Map.of()));
  }

  /** Writes the same values on every record of {@code ids}. */
  default boolean write(String model, Collection<Long> ids, Map<String, ?> values) {
    return Boolean.TRUE.equals(
        executeKw(model, "write", List.of(List.copyOf(ids), values), Map.of()));
  }

  /** Deletes the records {@code ids}. */
  default boolean unlink(String model, Collection<Long> ids) {
    return Boolean.TRUE.equals(executeKw(model, "unlink", List.of(List.copyOf(ids)), Map.of()));
  }

  /**
   * Records whose display name matches {@code name}, as {@code [id, display_name]} pairs. The
   * domain is sent as {@code domain} to Odoo 18 and later and as {@code args} before, as each names
   * it.
   */
  default List<Many2one> nameSearch(
      String model, String name, List<?> domain, String operator, int limit) {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("name", name);
    if (!domain.isEmpty()) {
      kwargs.put(version().major() >= 18 ? "domain" : "args", domain);
    }
    kwargs.put("operator", operator);
    kwargs.put("limit", limit);
    List<Many2one> out = new ArrayList<>();
    for (Object pair : ValueCodec.asList(executeKw(model, "name_search", List.of(), kwargs))) {
      out.add(ValueCodec.asMany2one(pair));
    }
    return out;
  }

  private static Map<String, Object> paging(SearchOptions options) {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    if (options.offset() > 0) {
      kwargs.put("offset", options.offset());
    }
    if (options.limit() > 0) {
      kwargs.put("limit", options.limit());
    }
    if (!options.order().isEmpty()) {
      kwargs.put("order", options.order());
    }
    return kwargs;
  }

  private static List<OdooRecord> records(Object wire) {
    List<OdooRecord> out = new ArrayList<>();
    for (Object row : ValueCodec.asList(wire)) {
      out.add(new OdooRecord(ValueCodec.asMap(row)));
    }
    return out;
  }
}
