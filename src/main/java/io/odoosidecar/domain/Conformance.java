package io.odoosidecar.domain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.odoosidecar.SidecarException;
import io.odoosidecar.odoo.FieldInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Checks the engine against a corpus of domains recorded from Odoo: each row gives a model, a
 * domain and the ids Odoo's {@code search} returned over every record ({@code search_all}), or the
 * error Odoo raised.
 */
public final class Conformance {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build();

  /** The outcome of a run. */
  public record Result(int passed, int failed, int excepted, List<String> differences) {}

  private final Schema schema;
  private final RecordStore store;

  public Conformance(Schema schema, RecordStore store) {
    this.schema = schema;
    this.store = store;
  }

  /**
   * The schema and records of a fixtures folder ({@code fields_get.json}, {@code records.json}).
   */
  /** The schema loaded. */
  public Schema schema() {
    return schema;
  }

  /** The records loaded. */
  public RecordStore store() {
    return store;
  }

  /** A new engine over the loaded schema and records. */
  public DomainEngine engine() {
    return new DomainEngine(schema, store);
  }

  @SuppressWarnings("unchecked")
  public static Conformance load(Path fixtures) {
    try {
      Map<String, Map<String, FieldInfo>> meta =
          FieldInfo.byModel(
              JSON.readValue(Files.readString(fixtures.resolve("fields_get.json")), Map.class));
      Map<String, List<Map<String, Object>>> records =
          JSON.readValue(Files.readString(fixtures.resolve("records.json")), Map.class);
      Map<String, Map<Long, Map<String, Object>>> byModel = new LinkedHashMap<>();
      records.forEach(
          (model, rows) -> {
            Map<Long, Map<String, Object>> byId = new LinkedHashMap<>();
            for (Map<String, Object> row : rows) {
              byId.put(((Number) row.get("id")).longValue(), row);
            }
            byModel.put(model, byId);
          });
      return new Conformance(Schema.of(meta), RecordStore.of(byModel));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read fixtures under " + fixtures + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs every row of a corpus ({@code domains.jsonl} format). Rows whose domain is listed in
   * {@code exceptions} (model and domain, tab-separated, as in the exceptions file) are counted
   * apart.
   */
  @SuppressWarnings("unchecked")
  public Result run(Path corpus, Set<String> exceptions, Consumer<String> out) {
    List<String> lines;
    try {
      lines = Files.readAllLines(corpus, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read corpus " + corpus + ": " + e.getMessage(), e);
    }
    int passed = 0;
    int failed = 0;
    int excepted = 0;
    List<String> differences = new ArrayList<>();
    int lineNumber = 0;
    for (String line : lines) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      Map<String, Object> row;
      try {
        row = JSON.readValue(line, Map.class);
      } catch (IOException e) {
        throw new SidecarException(
            corpus + ":" + lineNumber + ": not a JSON object: " + e.getMessage());
      }
      String model = (String) row.get("model");
      Object domain = row.get("domain");
      String difference = check(model, domain, row);
      if (difference == null) {
        passed++;
        continue;
      }
      String key = model + "\t" + Domain.repr(domain);
      if (exceptions.contains(key)) {
        excepted++;
        out.accept("excepted (see exceptions file): " + difference);
      } else {
        failed++;
        differences.add(difference);
        out.accept(difference);
      }
    }
    return new Result(passed, failed, excepted, differences);
  }

  /** The difference between the engine and Odoo on one row, or null when they agree. */
  private String check(String model, Object rawDomain, Map<String, Object> row) {
    String where = model + " " + Domain.repr(rawDomain);
    Object error = row.get("error");
    Set<Long> found;
    try {
      if (!(rawDomain instanceof List<?> list)) {
        throw new DomainException("a domain is a list, got " + Domain.repr(rawDomain));
      }
      DomainEngine engine = new DomainEngine(schema, store);
      found = new TreeSet<>(engine.search(model, Domain.of(list), false));
    } catch (DomainException e) {
      return error != null
          ? null
          : where
              + ": rejected ("
              + e.getMessage()
              + ") but Odoo answered "
              + row.get("search_all");
    } catch (UndecidableException e) {
      return where + ": undecidable locally (" + e.getMessage() + ")";
    } catch (RuntimeException e) {
      return where + ": engine failed: " + e;
    }
    if (error != null) {
      return where + ": accepted, but Odoo rejected it: " + error;
    }
    Set<Long> expected = new TreeSet<>();
    for (Object id : (List<?>) row.get("search_all")) {
      expected.add(((Number) id).longValue());
    }
    if (expected.equals(found)) {
      return null;
    }
    Set<Long> missing = new TreeSet<>(expected);
    missing.removeAll(found);
    Set<Long> extra = new TreeSet<>(found);
    extra.removeAll(expected);
    return where + ": missing ids " + missing + ", extra ids " + extra;
  }
}
