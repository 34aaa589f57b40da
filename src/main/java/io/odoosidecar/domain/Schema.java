package io.odoosidecar.domain;

import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.FieldType;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the domain engine knows of Odoo's models: their fields (from {@code fields_get}) and the
 * behaviour Odoo keeps in Python code rather than in metadata.
 *
 * <p>Implementation notes: {@code fields_get} does not say which fields a model's display name is
 * searched on ({@code _rec_names_search}), which field is its hierarchy parent ({@code
 * _parent_name}), nor the domain of an x2many field; those are kept here for Odoo's standard
 * models, as Odoo 17 and 18 define them, and so are the models whose {@code _search_display_name}
 * Odoo 18 overrides ({@link NameSearchKind}). A model without an entry searches its display name on
 * {@code name}, Odoo's default {@code _rec_name}.
 */
public final class Schema {
  /** How a model's display name is searched ({@code _search_display_name}). */
  public enum NameSearchKind {
    /** {@code _rec_names_search} (or {@code _rec_name}) OR-ed, AND-ed for negative operators. */
    FIELDS,
    /** res.partner.category: like-searches match the found tags and all their children. */
    CHILDREN_OF_MATCHES,
    /** res.users: '=' and 'ilike' also match the login exactly. */
    USERS,
    /**
     * product.product: name and internal reference, the barcode for positive searches, and the
     * reference in brackets of an '=' search ({@code [FURN_0001] Desk} finds FURN_0001).
     */
    PRODUCTS,
    /** product.template: its fields, and its variants' display names for a search with a value. */
    TEMPLATES,
    /**
     * res.country.state: name and code, and for positive '=', 'ilike' and 'in' searches the display
     * name {@code Name (Country)} taken apart: the name, and the country by name or code.
     */
    STATES,
    /** account.account: the code (the first word, exactly or as a prefix) or the name. */
    ACCOUNTS,
    /** account.group: the code prefix (as a prefix) or the name; nothing for an empty 'ilike'. */
    ACCOUNT_GROUPS,
    /** res.bank: for 'ilike' and 'not ilike', the BIC as a prefix or the name. */
    BANKS,
    /** stock.picking.type: {@code Warehouse: Name} taken apart into the two names. */
    PICKING_TYPES
  }

  /**
   * One model.
   *
   * @param name the model name
   * @param fields its fields by name
   * @param nameSearchFields the fields its display name is searched on
   * @param nameSearch how the display name is searched
   * @param parentName the hierarchy parent field ({@code _parent_name})
   */
  public record Model(
      String name,
      Map<String, FieldInfo> fields,
      List<String> nameSearchFields,
      NameSearchKind nameSearch,
      String parentName) {

    public Optional<FieldInfo> field(String field) {
      if ("id".equals(field) && !fields.containsKey("id")) {
        return Optional.of(ID);
      }
      return Optional.ofNullable(fields.get(field));
    }

    public boolean hasActive() {
      FieldInfo active = fields.get("active");
      return active != null && active.type() == FieldType.BOOLEAN;
    }
  }

  private static final FieldInfo ID =
      FieldInfo.of("id", Map.of("type", "integer", "string", "ID", "store", true));

  private static final Map<String, List<String>> NAME_FIELDS =
      Map.ofEntries(
          Map.entry(
              "res.partner", List.of("complete_name", "email", "ref", "vat", "company_registry")),
          Map.entry("res.country", List.of("name", "code")),
          Map.entry("res.country.state", List.of("name", "code")),
          Map.entry("res.currency", List.of("name", "full_name")),
          Map.entry("res.currency.rate", List.of("name", "rate")),
          Map.entry("res.bank", List.of("name", "bic")),
          Map.entry("res.partner.bank", List.of("acc_number")),
          Map.entry("ir.model", List.of("name", "model")),
          Map.entry("ir.model.fields", List.of("field_description")),
          Map.entry("ir.module.module", List.of("name", "shortdesc", "summary")),
          Map.entry("ir.config_parameter", List.of("key")),
          Map.entry("mail.alias", List.of("alias_name", "alias_domain")),
          Map.entry("sale.order.line", List.of("name", "order_id.name")),
          Map.entry("utm.campaign", List.of("title")),
          Map.entry("product.pricelist", List.of("name", "currency_id")),
          Map.entry("account.journal", List.of("name", "code")),
          Map.entry("account.move", List.of("name", "partner_id.name", "ref")),
          Map.entry("account.move.line", List.of("name", "move_id", "product_id")),
          Map.entry("account.tax", List.of("name", "description", "invoice_label")),
          Map.entry("stock.location", List.of("complete_name", "barcode")),
          Map.entry("stock.picking", List.of("name", "warehouse_id.name")));

  /** Models whose {@code _search_display_name} Odoo 18 overrides, beyond their search fields. */
  private static final Map<String, NameSearchKind> NAME_KINDS =
      Map.of(
          "res.partner.category", NameSearchKind.CHILDREN_OF_MATCHES,
          "res.users", NameSearchKind.USERS,
          "product.product", NameSearchKind.PRODUCTS,
          "product.template", NameSearchKind.TEMPLATES,
          "res.country.state", NameSearchKind.STATES,
          "account.account", NameSearchKind.ACCOUNTS,
          "account.group", NameSearchKind.ACCOUNT_GROUPS,
          "res.bank", NameSearchKind.BANKS,
          "stock.picking.type", NameSearchKind.PICKING_TYPES);

  /** Field domains of x2many fields ({@code field.get_domain_list}), by "model.field". */
  private static final Map<String, List<Object>> X2MANY_DOMAINS =
      Map.of("res.partner.child_ids", List.of(List.of("active", "=", true)));

  /** Inverse fields of one2many fields, for servers whose fields_get lacks relation_field. */
  private static final Map<String, String> INVERSES =
      Map.ofEntries(
          Map.entry("res.partner.child_ids", "parent_id"),
          Map.entry("res.partner.bank_ids", "partner_id"),
          Map.entry("res.partner.user_ids", "partner_id"),
          Map.entry("res.partner.sale_order_ids", "partner_id"),
          Map.entry("res.partner.opportunity_ids", "partner_id"),
          Map.entry("res.users.child_ids", "parent_id"),
          Map.entry("sale.order.order_line", "order_id"),
          Map.entry("crm.team.member_ids", "crm_team_ids"),
          Map.entry("crm.lead.order_ids", "opportunity_id"),
          Map.entry("res.country.state_ids", "country_id"),
          Map.entry("res.company.child_ids", "parent_id"),
          Map.entry("res.partner.category.child_ids", "parent_id"));

  private final Map<String, Model> models = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.function.Function<String, Map<String, FieldInfo>> source;

  private Schema(java.util.function.Function<String, Map<String, FieldInfo>> source) {
    this.source = source;
  }

  /** A schema from the field metadata of each model. */
  public static Schema of(Map<String, Map<String, FieldInfo>> fieldsByModel) {
    Map<String, Map<String, FieldInfo>> copy = new HashMap<>(fieldsByModel);
    return new Schema(copy::get);
  }

  /**
   * A schema that asks for a model's fields the first time it is needed, for instance {@code
   * client::fieldsGet}; the source answers null (or fails) for a model it does not know.
   */
  public static Schema lazy(java.util.function.Function<String, Map<String, FieldInfo>> source) {
    return new Schema(source);
  }

  /**
   * Field metadata guessed from records as the Odoo client reads them, for a model whose {@code
   * fields_get} is not at hand: {@code [id, name]} is a many2one, a list of ids an x2many (taken as
   * many2many), booleans, integers and floats as such, strings as char. Relations are unknown, so
   * leaves that search a related model are not decidable with it.
   */
  public static Map<String, FieldInfo> inferFields(Collection<Map<String, Object>> records) {
    Map<String, FieldInfo> fields = new LinkedHashMap<>();
    for (Map<String, Object> record : records) {
      record.forEach(
          (name, value) -> {
            String type = typeOf(value);
            if (type != null) {
              fields.putIfAbsent(
                  name, FieldInfo.of(name, Map.of("type", type, "string", name, "store", true)));
            }
          });
    }
    return fields;
  }

  private static String typeOf(Object value) {
    if (value instanceof Boolean b) {
      return b ? "boolean" : null; // false may be any empty value
    }
    if (value instanceof Long || value instanceof Integer) {
      return "integer";
    }
    if (value instanceof Double) {
      return "float";
    }
    if (value instanceof String) {
      return "char";
    }
    if (value instanceof List<?> list) {
      if (list.size() == 2 && list.get(0) instanceof Number && list.get(1) instanceof String) {
        return "many2one";
      }
      return list.stream().allMatch(Number.class::isInstance) ? "many2many" : null;
    }
    return null;
  }

  /** The model named {@code name}, or an error naming it. */
  public Model model(String name) {
    Model model = models.get(name);
    if (model != null) {
      return model;
    }
    Map<String, FieldInfo> fields = source.apply(name);
    if (fields == null) {
      throw new DomainException("Unknown model " + name);
    }
    model = build(name, fields);
    models.put(name, model);
    return model;
  }

  private static Model build(String name, Map<String, FieldInfo> fields) {
    List<String> nameFields =
        NAME_FIELDS.getOrDefault(name, fields.containsKey("name") ? List.of("name") : List.of());
    if (name.equals("product.product")) {
      nameFields = List.of("name", "default_code");
    }
    return new Model(
        name,
        new LinkedHashMap<>(fields),
        nameFields,
        NAME_KINDS.getOrDefault(name, NameSearchKind.FIELDS),
        "parent_id");
  }

  public boolean hasModel(String name) {
    try {
      model(name);
      return true;
    } catch (DomainException e) {
      return false;
    }
  }

  /** The field domain of an x2many field, applied when it is searched with 'any'. */
  public List<Object> x2manyDomain(String model, String field) {
    return X2MANY_DOMAINS.getOrDefault(model + "." + field, List.of());
  }

  /** The inverse many2one of a one2many field. */
  public Optional<String> inverse(String model, FieldInfo field) {
    Object relationField = field.attributes().get("relation_field");
    if (relationField instanceof String s && !s.isEmpty()) {
      return Optional.of(s);
    }
    return Optional.ofNullable(INVERSES.get(model + "." + field.name()));
  }
}
