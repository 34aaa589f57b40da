package io.odoosidecar.domain;

import java.util.Collection;
import java.util.Map;

/** Records as the Odoo client reads them (wire values by field name), by model and id. */
public interface RecordStore {
  /** One record, or null when the store does not hold it. */
  Map<String, Object> get(String model, long id);

  /**
   * Every record of a model, archived ones included. Only a store that holds the whole model can
   * answer searches across it (name searches, hierarchies, one2many inverses).
   */
  Collection<Map<String, Object>> all(String model);

  /** Whether {@link #all} holds every record of the model. */
  boolean complete(String model);

  /**
   * Whether {@link #all} holds every record of the model that the records being evaluated refer to:
   * enough for {@code any}, name searches and one2many inverses, whose results are only tested
   * against those references, but not for hierarchies, which need the whole model.
   */
  default boolean sufficient(String model) {
    return complete(model);
  }

  /** A store holding a batch and the records it refers to, as {@link BatchLoader} reads them. */
  static RecordStore referenced(Map<String, Map<Long, Map<String, Object>>> records) {
    RecordStore full = of(records);
    return new RecordStore() {
      @Override
      public Map<String, Object> get(String model, long id) {
        return full.get(model, id);
      }

      @Override
      public Collection<Map<String, Object>> all(String model) {
        return full.all(model);
      }

      @Override
      public boolean complete(String model) {
        return false;
      }

      @Override
      public boolean sufficient(String model) {
        return records.containsKey(model);
      }
    };
  }

  /** A store over records loaded in full, by model then id. */
  static RecordStore of(Map<String, Map<Long, Map<String, Object>>> records) {
    return new RecordStore() {
      @Override
      public Map<String, Object> get(String model, long id) {
        Map<Long, Map<String, Object>> byId = records.get(model);
        return byId == null ? null : byId.get(id);
      }

      @Override
      public Collection<Map<String, Object>> all(String model) {
        Map<Long, Map<String, Object>> byId = records.get(model);
        return byId == null ? java.util.List.of() : byId.values();
      }

      @Override
      public boolean complete(String model) {
        return records.containsKey(model);
      }
    };
  }
}
