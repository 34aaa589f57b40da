package io.odoosidecar.action;

import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.FieldInfo;
import java.util.OptionalLong;

/** Records as actions name them: an id, an external id ({@code module.name}), {@code model,id}. */
final class RecordRefs {
  private final ExternalIds refs;

  RecordRefs(ExternalIds refs) {
    this.refs = refs;
  }

  /** A record given by id or external id. */
  long id(Object raw, String key) {
    return resolve(raw, false)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    key + ": '" + raw + "' is neither a record id nor an external id"));
  }

  /** A record given by id, by external id, or as Odoo's reference {@code model,id}. */
  long reference(Object raw, FieldInfo field) {
    return resolve(raw, true)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'" + raw + "' is neither a record id nor an external id for " + field.name()));
  }

  private OptionalLong resolve(Object raw, boolean referenceForm) {
    if (raw instanceof Number n) {
      return OptionalLong.of(n.longValue());
    }
    String text = String.valueOf(raw).trim();
    int comma = text.indexOf(',');
    if (referenceForm && comma > 0) {
      text = text.substring(comma + 1).trim();
    }
    if (text.matches("\\d+")) {
      return OptionalLong.of(Long.parseLong(text));
    }
    if (ExternalIds.looksLikeXmlId(text)) {
      return OptionalLong.of(refs.require(text));
    }
    return OptionalLong.empty();
  }
}
