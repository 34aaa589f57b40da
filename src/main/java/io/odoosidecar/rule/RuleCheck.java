package io.odoosidecar.rule;

import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.DomainException;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks rules against a live Odoo: the model, the watched and date fields, the selection values,
 * the domains (every path through its relations), the actions' fields and models, and the external
 * ids they name (templates, activity types, stages). Each problem names the file, the rule and the
 * key.
 */
public final class RuleCheck {
  private final OdooClient client;
  private final Schema schema;
  private final io.odoosidecar.odoo.ExternalIds externalIds;

  public RuleCheck(OdooClient client) {
    this.client = client;
    this.externalIds = new io.odoosidecar.odoo.ExternalIds(client);
    this.schema =
        Schema.lazy(
            model -> {
              try {
                return client.fieldsGet(model);
              } catch (OdooException e) {
                return null; // an unknown model
              }
            });
  }

  /** The problems of one rule read from {@code file}; empty when it is sound. */
  public List<String> check(Path file, Rule rule) {
    List<String> problems = new ArrayList<>();
    String where = file + ": rule '" + rule.name() + "': ";
    Schema.Model model;
    try {
      model = schema.model(rule.model());
    } catch (DomainException e) {
      problems.add(where + "model: unknown model " + rule.model());
      return problems;
    }
    for (String name : rule.triggerFields()) {
      if (model.field(name).isEmpty()) {
        problems.add(where + "trigger_field_ids: " + rule.model() + " has no field " + name);
      }
    }
    checkDomain(problems, where, "filter_pre_domain", rule.model(), rule.filterPreDomain());
    checkDomain(problems, where, "filter_domain", rule.model(), rule.filterDomain());
    Object selection = rule.parameters().get("trg_selection_field_id");
    if (selection != null && !rule.triggerFields().isEmpty()) {
      model
          .field(rule.triggerFields().get(0))
          .ifPresent(
              field -> {
                if (!field.selection().isEmpty()
                    && !field.selection().containsKey(String.valueOf(selection))) {
                  problems.add(
                      where
                          + "trg_selection_field_id: '"
                          + selection
                          + "' is not a value of "
                          + rule.model()
                          + "."
                          + field.name()
                          + " ("
                          + String.join(", ", field.selectionValues())
                          + ")");
                }
              });
    }
    Object dateField = rule.parameters().get("trg_date_id");
    if (dateField != null) {
      Optional<FieldInfo> field = model.field(String.valueOf(dateField));
      if (field.isEmpty()
          || field.get().type() != FieldType.DATE && field.get().type() != FieldType.DATETIME) {
        problems.add(
            where + "trg_date_id: " + rule.model() + " has no date or datetime field " + dateField);
      }
    }
    Object ref = rule.parameters().get("trg_field_ref");
    if (ref instanceof String xmlId) {
      externalId(problems, where, "trg_field_ref", xmlId);
    }
    for (int i = 0; i < rule.actions().size(); i++) {
      checkAction(problems, where + "actions[" + i + "].", model, rule.actions().get(i));
    }
    return problems;
  }

  private void checkAction(
      List<String> problems, String where, Schema.Model model, Map<String, Object> action) {
    Schema.Model target = model;
    Object crud = action.get("crud_model_id");
    if (crud != null) {
      try {
        target = schema.model(String.valueOf(crud));
      } catch (DomainException e) {
        problems.add(where + "crud_model_id: unknown model " + crud);
        return;
      }
    }
    if (action.get("update_path") instanceof String path) {
      Schema.Model at = "object_create".equals(action.get("state")) ? target : model;
      for (String name : path.split("\\.")) {
        Optional<FieldInfo> field = at.field(name);
        if (field.isEmpty()) {
          problems.add(where + "update_path: " + at.name() + " has no field " + name);
          break;
        }
        if (field.get().type().relational() && !field.get().relation().isEmpty()) {
          at = schema.model(field.get().relation());
        }
      }
    }
    for (String key : List.of("template_id", "activity_type_id", "sms_template_id")) {
      if (action.get(key) instanceof String xmlId) {
        externalId(problems, where, key, xmlId);
      }
    }
  }

  private void checkDomain(
      List<String> problems, String where, String key, String model, String text) {
    if (text == null) {
      return;
    }
    try {
      Domain domain = DomainExpression.evaluate(text, context());
      new DomainEngine(schema, RecordStore.of(Map.of())).requirements(model, domain);
    } catch (DomainException e) {
      problems.add(where + key + ": " + e.getMessage());
    }
  }

  private DomainExpression.Context context() {
    long uid = client.authenticate();
    return DomainExpression.Context.of(
        uid, java.time.Instant.now(), xmlId -> resolve(xmlId).orElse(null));
  }

  private void externalId(List<String> problems, String where, String key, String xmlId) {
    if (resolve(xmlId).isEmpty()) {
      problems.add(where + key + ": external id " + xmlId + " not found in Odoo");
    }
  }

  /** The record id of an external id ({@code module.name}), looked up once. */
  private Optional<Long> resolve(String xmlId) {
    return externalIds.resolve(xmlId);
  }
}
