package io.odoosidecar.odoo;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One record as {@code read} or {@code search_read} return it: the wire values by field name, with
 * typed getters that apply Odoo's conventions ({@code false} is empty, many2one is {@code [id,
 * name]}, dates and UTC datetimes are strings).
 *
 * @param values the wire values by field name, {@code id} included
 */
public record OdooRecord(Map<String, Object> values) {

  public OdooRecord {
    values = ValueCodec.copyMap(values);
  }

  /** The record's id. */
  public long id() {
    return ValueCodec.asLong(values.get("id"));
  }

  /** Whether Odoo returned this field. */
  public boolean has(String field) {
    return values.containsKey(field);
  }

  /** The wire value of a field, as Odoo sent it. */
  public Object raw(String field) {
    return values.get(field);
  }

  /** A char, text, html or selection value; empty when Odoo sent {@code false}. */
  public Optional<String> string(String field) {
    return Optional.ofNullable((String) ValueCodec.decode(FieldType.CHAR, values.get(field)));
  }

  /** A boolean value. */
  public boolean bool(String field) {
    return (Boolean) ValueCodec.decode(FieldType.BOOLEAN, values.get(field));
  }

  /** An integer value; empty when Odoo sent {@code false}. */
  public Optional<Long> integer(String field) {
    return Optional.ofNullable((Long) ValueCodec.decode(FieldType.INTEGER, values.get(field)));
  }

  /** A float value; empty when Odoo sent {@code false}. */
  public Optional<Double> number(String field) {
    return Optional.ofNullable((Double) ValueCodec.decode(FieldType.FLOAT, values.get(field)));
  }

  /** A monetary value as the decimal it stands for; empty when Odoo sent {@code false}. */
  public Optional<BigDecimal> decimal(String field) {
    return Optional.ofNullable(
        (BigDecimal) ValueCodec.decode(FieldType.MONETARY, values.get(field)));
  }

  /** A date value; empty when Odoo sent {@code false}. */
  public Optional<LocalDate> date(String field) {
    return Optional.ofNullable((LocalDate) ValueCodec.decode(FieldType.DATE, values.get(field)));
  }

  /** A datetime value in UTC; empty when Odoo sent {@code false}. */
  public Optional<Instant> dateTime(String field) {
    return Optional.ofNullable((Instant) ValueCodec.decode(FieldType.DATETIME, values.get(field)));
  }

  /** A many2one value; empty when Odoo sent {@code false}. */
  public Optional<Many2one> many2one(String field) {
    return Optional.ofNullable(ValueCodec.asMany2one(values.get(field)));
  }

  /** The ids of a one2many or many2many value. */
  public List<Long> ids(String field) {
    return ValueCodec.asIds(values.get(field));
  }

  /** Decodes every field with the model's metadata (see {@link ValueCodec#decodeRecord}). */
  public Map<String, Object> decode(Map<String, FieldInfo> fields) {
    return ValueCodec.decodeRecord(fields, values);
  }
}
