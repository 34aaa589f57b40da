package io.odoosidecar.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code _search_display_name} overrides of Odoo 18's standard models, as domains: {@link
 * #override} for the models whose override replaces the default search, {@link #extend} for those
 * that add to it.
 *
 * <p>Implementation notes: each method follows its Python source (Odoo 18): {@code
 * res.country.state} ({@code base/models/res_country.py}), {@code account.account} and {@code
 * account.group} ({@code account/models/account_account.py}), {@code res.bank} ({@code
 * base/models/res_bank.py}), {@code stock.picking.type} ({@code stock/models/stock_picking.py}),
 * {@code product.product} and {@code product.template} ({@code product/models/}). Context keys that
 * narrow some of them ({@code country_id}, {@code partner_id}, {@code user_preference}) are not set
 * on the searches the sidecar makes, so they are left out.
 */
final class NameSearches {
  /** {@code Name (Country)}, as res.country.state's {@code _get_name_search_domain} reads it. */
  private static final Pattern STATE = Pattern.compile("([^\\n]+)\\(([^\\n]+)\\)");

  /** {@code [CODE]} anywhere in a product's display name. */
  private static final Pattern BRACKETED = Pattern.compile("(\\[([^\\n]*?)\\])");

  private NameSearches() {}

  /** The whole display-name domain of a model whose override does not build on the default. */
  static Domain override(Schema.NameSearchKind kind, String operator, Object value) {
    return switch (kind) {
      case ACCOUNTS -> account(operator, value);
      case ACCOUNT_GROUPS -> accountGroup(operator, value);
      case BANKS -> bank(operator, value);
      case PICKING_TYPES -> pickingType(operator, value);
      default -> null;
    };
  }

  /** The default domain, completed by the overrides that call {@code super()} first. */
  static Domain extend(Schema.NameSearchKind kind, Domain domain, String operator, Object value) {
    boolean negative = Domain.NEGATIVE.contains(operator);
    if (kind == Schema.NameSearchKind.STATES && DomainEngine.truthy(value) && !negative) {
      List<Object> parts = new ArrayList<>(List.of(domain));
      if (operator.equals("ilike") || operator.equals("=")) {
        parts.add(state(value, operator));
      } else if (operator.equals("in") && value instanceof List<?> names) {
        names.forEach(name -> parts.add(state(name, "=")));
      }
      return DomainEngine.combine(Domain.OR, parts);
    }
    if (kind == Schema.NameSearchKind.TEMPLATES && DomainEngine.truthy(value)) {
      // search_product_product defaults to bool(value)
      return DomainEngine.combine(
          negative ? Domain.AND : Domain.OR,
          List.of(domain, List.of("product_variant_ids", operator, value)));
    }
    return domain;
  }

  /** The code given in brackets in an '=' search of a product, if any. */
  static Optional<String> bracketedCode(Object value) {
    if (value instanceof String text) {
      Matcher m = BRACKETED.matcher(text);
      if (m.find()) {
        return Optional.of(m.group(2));
      }
    }
    return Optional.empty();
  }

  /** res.country.state's {@code _get_name_search_domain}. */
  private static Domain state(Object value, String operator) {
    if (value instanceof String text) {
      Matcher m = STATE.matcher(text);
      if (m.matches()) {
        String country = m.group(2).strip();
        return Domain.of(
            List.of(
                Domain.AND,
                List.of("name", operator, m.group(1).strip()),
                Domain.OR,
                List.of("country_id.name", "ilike", country),
                List.of("country_id.code", "=", country)));
      }
    }
    return Domain.of(List.of(Domain.FALSE_LEAF));
  }

  /** account.account: {@code ['|', code-leaf, ('name', op, name)]}, negated as {@code &, !}. */
  private static Domain account(String operator, Object value) {
    String name = text(value, "account.account", operator);
    String first = name.split(" ", -1)[0];
    List<Object> code =
        operator.equals("=") || operator.equals("!=")
            ? List.of("code", "=", first)
            : List.of("code", "=like", first + "%");
    List<Object> byName = List.of("name", operator, name);
    return Domain.NEGATIVE.contains(operator)
        ? Domain.of(List.of(Domain.AND, Domain.NOT, code, byName))
        : Domain.of(List.of(Domain.OR, code, byName));
  }

  /** account.group: the code prefix or the name; an empty 'ilike' is no condition. */
  private static Domain accountGroup(String operator, Object value) {
    if (operator.equals("ilike") && (value == null || !DomainEngine.truthy(value))
        || operator.equals("ilike") && value instanceof String s && s.strip().isEmpty()) {
      return Domain.of(List.of(Domain.TRUE_LEAF));
    }
    String text = text(value, "account.group", operator);
    List<Object> prefix = List.of("code_prefix_start", "=ilike", text + "%");
    List<Object> byName = List.of("name", operator, text);
    return Domain.NEGATIVE.contains(operator)
        ? Domain.of(List.of(Domain.AND, Domain.NOT, prefix, byName))
        : Domain.of(List.of(Domain.OR, prefix, byName));
  }

  /** res.bank: for a like-search with a value, the BIC as a prefix or the name. */
  private static Domain bank(String operator, Object value) {
    if (!(operator.equals("ilike") || operator.equals("not ilike"))
        || !DomainEngine.truthy(value)) {
      return null;
    }
    String text = text(value, "res.bank", operator);
    List<Object> tokens =
        new ArrayList<>(
            List.of(
                Domain.OR, List.of("bic", "=ilike", text + "%"), List.of("name", "ilike", text)));
    if (operator.equals("not ilike")) {
      tokens.add(0, Domain.NOT);
    }
    return Domain.of(tokens);
  }

  /** stock.picking.type: {@code Warehouse: Name} searched on both names. */
  private static Domain pickingType(String operator, Object value) {
    if (!(value instanceof String text)) {
      return null;
    }
    String[] parts = text.split(": ", -1);
    if (parts.length != 2) {
      return null;
    }
    return Domain.of(
        List.of(
            Domain.AND,
            List.of("warehouse_id.name", operator, parts[0]),
            List.of("name", operator, parts[1])));
  }

  /** The value as text, as these overrides use it; Odoo fails on anything else. */
  private static String text(Object value, String model, String operator) {
    if (value == null || Boolean.FALSE.equals(value)) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    throw new DomainException(
        model
            + "'s display name is searched as text: ("
            + "'display_name', '"
            + operator
            + "', "
            + PyLiteral.repr(value)
            + ") fails in Odoo");
  }
}
