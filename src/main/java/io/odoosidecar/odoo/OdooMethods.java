package io.odoosidecar.odoo;

import java.util.Set;

/** What is known of Odoo's ORM methods: which ones only read and so may be sent again. */
public final class OdooMethods {
  private static final Set<String> READ_ONLY =
      Set.of(
          "search",
          "search_read",
          "search_count",
          "search_fetch",
          "read",
          "read_group",
          "formatted_read_group",
          "web_search_read",
          "web_read",
          "web_read_group",
          "fields_get",
          "name_search",
          "name_get",
          "default_get",
          "get_views",
          "exists",
          "context_get",
          "check_access_rights",
          "check_access_rule",
          "has_access",
          "export_data",
          "get_metadata");

  private OdooMethods() {}

  /**
   * Whether {@code method} only reads, so that a call whose answer was lost may be sent again. Any
   * method not known to read is taken to change data.
   */
  public static boolean isReadOnly(String method) {
    return READ_ONLY.contains(method);
  }
}
