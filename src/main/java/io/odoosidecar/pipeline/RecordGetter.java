package io.odoosidecar.pipeline;

import io.odoosidecar.domain.DomainException;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.ValueCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a webhook rule's {@code record_getter} as Odoo does, in a context of {@code model} (the
 * rule's model), {@code payload} (the request's JSON body or query parameters), {@code uid}, {@code
 * user}, {@code datetime}, {@code time} and the domain context's names.
 *
 * <p>Implementation notes: the expression language is the sandboxed one of dynamic domains, with
 * {@code int}, {@code str}, {@code float}, {@code bool}, {@code len}, and these objects: a model
 * ({@code model}, {@code model.env['res.partner']}) answers {@code browse(id or ids)}, {@code
 * search(domain, limit=, offset=, order=)} and {@code search_count(domain)} (searches go to Odoo);
 * a recordset answers {@code id}, {@code ids}, {@code env}, {@code exists()}, {@code ensure_one()}.
 * Odoo's default getter, {@code model.env[payload.get('_model')].browse(int(payload.get('_id')))},
 * and the usual custom ones ({@code model.browse(int(payload['id']))}, {@code model.search([('ref',
 * '=', payload.get('ref'))], limit=1)}) run unchanged.
 */
public final class RecordGetter {
  /** Odoo's default {@code record_getter}. */
  public static final String DEFAULT =
      "model.env[payload.get('_model')].browse(int(payload.get('_id')))";

  /** A recordset: a model and ids. */
  public record Records(String model, List<Long> ids) {}

  private final OdooClient client;

  public RecordGetter(OdooClient client) {
    this.client = client.withContext(Map.of("active_test", false));
  }

  /** The records a getter names, those that exist. */
  public Records evaluate(
      String expression,
      String model,
      Map<String, Object> payload,
      DomainExpression.Context context) {
    String text = expression == null || expression.isBlank() ? DEFAULT : expression;
    Object value =
        DomainExpression.evaluateValue(
            text, context, Map.of("model", new Model(model), "payload", payload));
    Records records;
    if (value instanceof Bound bound) {
      records = bound.records();
    } else {
      throw new DomainException("record_getter must give a recordset, " + text + " gave " + value);
    }
    return exists(records);
  }

  private Records exists(Records records) {
    if (records.ids().isEmpty()) {
      return records;
    }
    List<Long> found = client.search(records.model(), List.of(List.of("id", "in", records.ids())));
    List<Long> kept = new ArrayList<>();
    for (Long id : records.ids()) {
      if (found.contains(id)) {
        kept.add(id);
      }
    }
    return new Records(records.model(), kept);
  }

  /** {@code model.env}: models by name. */
  private final class Env implements DomainExpression.Host {
    @Override
    public boolean isMethod(String name) {
      return false;
    }

    @Override
    public Object attribute(String name) {
      throw new DomainException("env here answers env['model'] only, not env." + name);
    }

    @Override
    public Object call(String name, List<Object> args, Map<String, Object> kwargs) {
      throw new DomainException("env has no method " + name);
    }

    @Override
    public Object item(Object key) {
      if (!(key instanceof String name) || !name.matches("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*")) {
        throw new DomainException("KeyError: " + key);
      }
      return new Model(name);
    }
  }

  /** A model: browse and search. */
  private final class Model implements DomainExpression.Host {
    private final String name;

    Model(String name) {
      this.name = name;
    }

    @Override
    public boolean isMethod(String method) {
      return List.of("browse", "search", "search_count").contains(method);
    }

    @Override
    public Object attribute(String attribute) {
      if (attribute.equals("env")) {
        return new Env();
      }
      throw new DomainException("a model here answers env, browse(), search(), not " + attribute);
    }

    @Override
    public Object call(String method, List<Object> args, Map<String, Object> kwargs) {
      switch (method) {
        case "browse":
          {
            Object ids = args.isEmpty() ? List.of() : args.get(0);
            List<Long> list =
                ids instanceof List<?> many
                    ? many.stream().map(ValueCodec::asLong).toList()
                    : Boolean.FALSE.equals(ids) || ids == null
                        ? List.of()
                        : List.of(ValueCodec.asLong(ids));
            return new Bound(new Records(name, list));
          }
        case "search":
          {
            Object domain = args.isEmpty() ? kwargs.get("domain") : args.get(0);
            int limit = kwargs.get("limit") instanceof Number n ? n.intValue() : 0;
            int offset = kwargs.get("offset") instanceof Number n ? n.intValue() : 0;
            String order = kwargs.get("order") instanceof String o ? o : "";
            List<Long> ids =
                RecordGetter.this.client.search(
                    name, (List<?>) domain, new SearchOptions(offset, limit, order));
            return new Bound(new Records(name, ids));
          }
        default:
          Object domain = args.isEmpty() ? kwargs.get("domain") : args.get(0);
          return RecordGetter.this.client.searchCount(name, (List<?>) domain);
      }
    }
  }

  /** A recordset whose methods can reach Odoo. */
  private final class Bound implements DomainExpression.Host {
    private final Records records;

    Bound(Records records) {
      this.records = records;
    }

    Records records() {
      return records;
    }

    @Override
    public boolean isMethod(String name) {
      return name.equals("exists") || name.equals("ensure_one");
    }

    @Override
    public Object attribute(String name) {
      List<Long> ids = records.ids();
      switch (name) {
        case "env":
          return new Env();
        case "ids":
          return new ArrayList<Object>(ids);
        case "id":
          if (ids.size() > 1) {
            throw new DomainException("ValueError: Expected singleton: " + records.model() + ids);
          }
          return ids.isEmpty() ? (Object) Boolean.FALSE : ids.get(0);
        default:
          throw new DomainException(
              "a recordset here answers id, ids, env, exists() and ensure_one(), not " + name);
      }
    }

    @Override
    public Object call(String name, List<Object> args, Map<String, Object> kwargs) {
      if (name.equals("exists")) {
        return new Bound(exists(records));
      }
      if (records.ids().size() != 1) {
        throw new DomainException(
            "ValueError: Expected singleton: " + records.model() + records.ids());
      }
      return this;
    }
  }
}
