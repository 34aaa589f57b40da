package io.odoosidecar.odoo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an {@code execute_kw} call's positional arguments into the named arguments JSON-2 takes.
 *
 * <p>Implementation notes: JSON-2 binds the body's keys to the method's Python signature, and takes
 * the records of a record method as {@code ids}. The signatures of the ORM methods that
 * integrations call are known here; for any other method the first positional argument is taken as
 * {@code ids} and further positional arguments are refused with a message asking for keyword
 * arguments, rather than guessed.
 */
final class Json2Arguments {
  /** Methods decorated {@code @api.model}: positional arguments map to these names. */
  private static final Map<String, List<String>> MODEL_METHODS =
      Map.ofEntries(
          Map.entry("search", List.of("domain", "offset", "limit", "order")),
          Map.entry("search_read", List.of("domain", "fields", "offset", "limit", "order")),
          Map.entry("search_count", List.of("domain", "limit")),
          Map.entry("search_fetch", List.of("domain", "field_names", "offset", "limit", "order")),
          Map.entry("create", List.of("vals_list")),
          Map.entry("load", List.of("fields", "data")),
          Map.entry("get_param", List.of("key", "default")),
          Map.entry("set_param", List.of("key", "value")),
          Map.entry("fields_get", List.of("allfields", "attributes")),
          Map.entry("name_search", List.of("name", "domain", "operator", "limit")),
          Map.entry("name_create", List.of("name")),
          Map.entry("default_get", List.of("fields")),
          Map.entry(
              "read_group",
              List.of("domain", "fields", "groupby", "offset", "limit", "orderby", "lazy")),
          Map.entry(
              "web_search_read",
              List.of("domain", "specification", "offset", "limit", "order", "count_limit")),
          Map.entry("get_views", List.of("views", "options")),
          Map.entry("context_get", List.of()),
          Map.entry("check_access_rights", List.of("operation", "raise_exception")),
          Map.entry("has_access", List.of("operation")));

  /** Record methods: after {@code ids}, positional arguments map to these names. */
  private static final Map<String, List<String>> RECORD_METHODS =
      Map.ofEntries(
          Map.entry("read", List.of("fields", "load")),
          Map.entry("write", List.of("vals")),
          Map.entry("unlink", List.of()),
          Map.entry("copy", List.of("default")),
          Map.entry("exists", List.of()),
          Map.entry("web_read", List.of("specification")),
          Map.entry("message_post", List.of()),
          Map.entry("message_subscribe", List.of("partner_ids", "subtype_ids")),
          Map.entry("message_unsubscribe", List.of("partner_ids")),
          Map.entry(
              "activity_schedule", List.of("act_type_xmlid", "date_deadline", "summary", "note")),
          Map.entry(
              "send_mail",
              List.of(
                  "res_id", "force_send", "raise_exception", "email_values", "email_layout_xmlid")),
          Map.entry("action_archive", List.of()),
          Map.entry("action_unarchive", List.of()),
          Map.entry("toggle_active", List.of()));

  private Json2Arguments() {}

  /** The JSON-2 body of {@code model.method(*args, **kwargs)}, arguments in wire form. */
  static Map<String, Object> named(
      String model, String method, List<Object> args, Map<String, Object> kwargs) {
    Map<String, Object> body = new LinkedHashMap<>();
    List<String> names = MODEL_METHODS.get(method);
    List<Object> rest = args;
    if (names == null) {
      names = RECORD_METHODS.getOrDefault(method, List.of());
      if (!args.isEmpty()) {
        body.put("ids", args.get(0));
        rest = args.subList(1, args.size());
      }
    }
    if (rest.size() > names.size()) {
      throw new IllegalArgumentException(
          "JSON-2 takes named arguments only, and the signature of "
              + model
              + "."
              + method
              + " is not known here: pass its arguments after the record ids as keyword"
              + " arguments");
    }
    for (int i = 0; i < rest.size(); i++) {
      body.put(names.get(i), rest.get(i));
    }
    kwargs.forEach(
        (key, value) -> {
          if (body.containsKey(key)) {
            throw new IllegalArgumentException(
                model + "." + method + " got argument '" + key + "' both by position and by name");
          }
          body.put(key, value);
        });
    return body;
  }
}
