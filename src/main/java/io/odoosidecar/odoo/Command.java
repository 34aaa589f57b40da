package io.odoosidecar.odoo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One x2many write command, Odoo's {@code Command}: {@code [code, id, value]} on the wire.
 *
 * @param code the command code, 0 to 6
 * @param id the record the command applies to, or 0
 * @param values the values of a create or update, or null
 * @param ids the ids of a set, or null
 */
public record Command(int code, long id, Map<String, Object> values, List<Long> ids) {
  public static final int CREATE = 0;
  public static final int UPDATE = 1;
  public static final int DELETE = 2;
  public static final int UNLINK = 3;
  public static final int LINK = 4;
  public static final int CLEAR = 5;
  public static final int SET = 6;

  public Command {
    if (code < CREATE || code > SET) {
      throw new IllegalArgumentException("x2many command code must be 0 to 6, got " + code);
    }
    values = values == null ? null : ValueCodec.copyMap(values);
    ids = ids == null ? null : List.copyOf(ids);
  }

  /** Creates a related record with the values and links it. */
  public static Command create(Map<String, ?> values) {
    return new Command(CREATE, 0, ValueCodec.copyMap(values), null);
  }

  /** Writes the values on the related record {@code id}. */
  public static Command update(long id, Map<String, ?> values) {
    return new Command(UPDATE, id, ValueCodec.copyMap(values), null);
  }

  /** Deletes the related record {@code id} from the database. */
  public static Command delete(long id) {
    return new Command(DELETE, id, null, null);
  }

  /** Removes the link to {@code id} without deleting the record. */
  public static Command unlink(long id) {
    return new Command(UNLINK, id, null, null);
  }

  /** Adds a link to the existing record {@code id}. */
  public static Command link(long id) {
    return new Command(LINK, id, null, null);
  }

  /** Removes every link. */
  public static Command clear() {
    return new Command(CLEAR, 0, null, null);
  }

  /** Replaces the links by exactly {@code ids}. */
  public static Command set(Collection<? extends Number> ids) {
    List<Long> copy = new ArrayList<>(ids.size());
    ids.forEach(n -> copy.add(n.longValue()));
    return new Command(SET, 0, null, copy);
  }

  /** The wire form {@code [code, id, value]} as Odoo's own client sends it. */
  public List<Object> toWire() {
    Object third;
    switch (code) {
      case CREATE:
      case UPDATE:
        third = ValueCodec.encode(values);
        break;
      case SET:
        third = ids;
        break;
      default:
        third = 0L;
    }
    return List.of((long) code, id, Objects.requireNonNull(third));
  }

  /** Parses a wire command {@code [code, id, value]}. */
  public static Command fromWire(List<?> wire) {
    if (wire.isEmpty() || !(wire.get(0) instanceof Number)) {
      throw new IllegalArgumentException("not an x2many command: " + wire);
    }
    int code = ((Number) wire.get(0)).intValue();
    long id =
        wire.size() > 1 && wire.get(1) instanceof Number ? ((Number) wire.get(1)).longValue() : 0;
    Object third = wire.size() > 2 ? wire.get(2) : null;
    switch (code) {
      case CREATE:
      case UPDATE:
        return new Command(code, id, ValueCodec.asMap(third), null);
      case SET:
        return set(ValueCodec.asIds(third));
      default:
        return new Command(code, id, null, null);
    }
  }
}
