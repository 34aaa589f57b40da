package io.odoosidecar.sync;

import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import io.odoosidecar.odoo.OdooAuthenticationException;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooTransportException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks sync configs against a live Odoo's {@code fields_get}: the model, every mapped field
 * (dotted paths followed through their relations, nested mappings on the related model), the
 * identifier, the URL placeholders, the response fields and the status fields with their types.
 * Each problem names the file, the config and the key.
 *
 * <p>An Odoo that cannot be reached is not a problem of the config: its transport exception is
 * thrown.
 */
public final class SyncCheck {
  private static final Set<FieldType> STATE_TYPES = Set.of(FieldType.SELECTION, FieldType.CHAR);
  private static final Set<FieldType> ERROR_TYPES = Set.of(FieldType.TEXT, FieldType.CHAR);

  private final OdooClient client;

  public SyncCheck(OdooClient client) {
    this.client = client;
  }

  /** The problems of one config read from {@code file}; empty when it is sound. */
  public List<String> check(Path file, SyncConfig config) {
    List<String> problems = new ArrayList<>();
    String where = file + ": sync '" + config.name() + "': ";
    Map<String, FieldInfo> fields = fields(config.model()).orElse(null);
    if (fields == null) {
      problems.add(where + "model: unknown model " + config.model());
      return problems;
    }
    mapping(problems, where + "mapping", config.model(), fields, config.mapping());
    // one template for every operation is the plain `url: ...` form: checked once, as `url`
    boolean one = new java.util.HashSet<>(config.urls().values()).size() == 1;
    Set<String> seen = new java.util.HashSet<>();
    for (Map.Entry<String, String> url : config.urls().entrySet()) {
      String key = one ? "url" : "url." + url.getKey();
      for (String placeholder : UrlTemplate.fields(url.getValue())) {
        if (!placeholder.equals(UrlTemplate.IDENTIFIER) && seen.add(key + placeholder)) {
          path(config.model(), fields, placeholder)
              .ifPresent(p -> problems.add(where + key + ": " + p));
        }
      }
    }
    for (int i = 0; i < config.response().size(); i++) {
      String field = config.response().get(i).field();
      if (!fields.containsKey(field)) {
        problems.add(
            where + "response[" + i + "].field: " + config.model() + " has no field " + field);
      }
    }
    SyncConfig.StatusFields status = config.status();
    typed(problems, where, "status.state", config.model(), fields, status.state(), STATE_TYPES);
    typed(
        problems,
        where,
        "status.last-success",
        config.model(),
        fields,
        status.lastSuccess(),
        Set.of(FieldType.DATETIME));
    typed(
        problems,
        where,
        "status.last-error",
        config.model(),
        fields,
        status.lastError(),
        ERROR_TYPES);
    return problems;
  }

  private void mapping(
      List<String> problems,
      String at,
      String model,
      Map<String, FieldInfo> fields,
      List<MappingLine> lines) {
    for (int i = 0; i < lines.size(); i++) {
      MappingLine line = lines.get(i);
      String key = at + "[" + i + "]." + "field: ";
      String what = line.identifier() ? " (the identifier)" : "";
      if (line.field().isEmpty()) {
        continue; // a python line reading no field
      }
      Optional<String> problem = path(model, fields, line.field());
      if (problem.isPresent()) {
        problems.add(key + problem.get() + what);
        continue;
      }
      if (line.type() == MappingType.RELATIONAL) {
        relational(problems, at + "[" + i + "]", model, fields, line);
      }
    }
  }

  private void relational(
      List<String> problems,
      String at,
      String model,
      Map<String, FieldInfo> fields,
      MappingLine line) {
    FieldInfo last = last(fields, line.field());
    if (last == null || !last.type().relational() || last.relatedModel().isEmpty()) {
      problems.add(at + ".type: " + model + "." + line.field() + " is not a relation");
      return;
    }
    String related = last.relatedModel().get();
    Map<String, FieldInfo> target = fields(related).orElse(Map.of());
    if (line.as() == MappingLine.As.FIELD && !target.containsKey(line.asField())) {
      problems.add(at + ".as: " + related + " has no field " + line.asField());
    }
    if (line.as() == MappingLine.As.OBJECT) {
      mapping(problems, at + ".mapping", related, target, line.mapping());
    }
  }

  /** The problem of a dotted path on a model, followed through its relations, if any. */
  private Optional<String> path(String model, Map<String, FieldInfo> fields, String path) {
    String at = model;
    Map<String, FieldInfo> current = fields;
    String[] hops = path.split("\\.");
    for (int i = 0; i < hops.length; i++) {
      FieldInfo field = current.get(hops[i]);
      if (field == null) {
        return Optional.of(
            at + " has no field " + hops[i] + (hops.length > 1 ? " (of " + path + ")" : ""));
      }
      if (i < hops.length - 1) {
        if (!field.type().relational() || field.relatedModel().isEmpty()) {
          return Optional.of(at + "." + hops[i] + " is not a relation (of " + path + ")");
        }
        at = field.relatedModel().get();
        current = fields(at).orElse(Map.of());
      }
    }
    return Optional.empty();
  }

  /** The field a valid dotted path ends on. */
  private FieldInfo last(Map<String, FieldInfo> fields, String path) {
    Map<String, FieldInfo> current = fields;
    FieldInfo field = null;
    for (String hop : path.split("\\.")) {
      field = current.get(hop);
      if (field == null) {
        return null;
      }
      current = field.relatedModel().flatMap(this::fields).orElse(Map.of());
    }
    return field;
  }

  private static void typed(
      List<String> problems,
      String where,
      String key,
      String model,
      Map<String, FieldInfo> fields,
      String name,
      Set<FieldType> types) {
    if (name == null) {
      return;
    }
    FieldInfo field = fields.get(name);
    String wanted =
        String.join(
            " or ",
            types.stream().map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
    if (field == null) {
      problems.add(where + key + ": " + model + " has no field " + name);
    } else if (!types.contains(field.type())) {
      problems.add(
          where
              + key
              + ": "
              + model
              + "."
              + name
              + " is "
              + article(field.type().name().toLowerCase(java.util.Locale.ROOT))
              + " field, not "
              + wanted);
    }
  }

  private static String article(String word) {
    return ("aeiou".indexOf(word.charAt(0)) >= 0 ? "an " : "a ") + word;
  }

  /** A model's fields, empty when Odoo has no such model. */
  private Optional<Map<String, FieldInfo>> fields(String model) {
    try {
      return Optional.of(client.fieldsGet(model));
    } catch (OdooTransportException | OdooAuthenticationException e) {
      throw e; // Odoo away or refusing: not the config's problem
    } catch (RuntimeException e) {
      return Optional.empty(); // Odoo's fault for an unknown model
    }
  }
}
