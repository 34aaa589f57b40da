package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValueCodecTest {

  @Test
  void decode_emptyValues_followOdoosConventions() {
    assertThat(ValueCodec.decode(FieldType.CHAR, false)).isNull();
    assertThat(ValueCodec.decode(FieldType.MANY2ONE, false)).isNull();
    assertThat(ValueCodec.decode(FieldType.DATE, false)).isNull();
    assertThat(ValueCodec.decode(FieldType.DATETIME, null)).isNull();
    assertThat(ValueCodec.decode(FieldType.MONETARY, false)).isNull();
    assertThat(ValueCodec.decode(FieldType.MANY2MANY, false)).isEqualTo(List.of());
    assertThat(ValueCodec.decode(FieldType.BOOLEAN, false)).isEqualTo(false);
    assertThat(ValueCodec.decode(FieldType.INTEGER, 0L)).isEqualTo(0L);
    assertThat(ValueCodec.decode(FieldType.FLOAT, 0.0)).isEqualTo(0.0);
  }

  @Test
  void decode_values_intoJavaTypes() {
    assertThat(ValueCodec.decode(FieldType.MANY2ONE, List.of(233L, "United States")))
        .isEqualTo(new Many2one(233, "United States"));
    assertThat(ValueCodec.decode(FieldType.DATE, "2025-02-18"))
        .isEqualTo(LocalDate.of(2025, 2, 18));
    assertThat(ValueCodec.decode(FieldType.DATETIME, "2026-11-23 18:31:05"))
        .isEqualTo(Instant.parse("2026-11-23T18:31:05Z"));
    assertThat(ValueCodec.decode(FieldType.MONETARY, 0.1)).isEqualTo(new BigDecimal("0.1"));
    assertThat(ValueCodec.decode(FieldType.REFERENCE, "res.partner,7"))
        .isEqualTo(new Reference("res.partner", 7));
    assertThat(ValueCodec.decode(FieldType.ONE2MANY, List.of(1L, 2L))).isEqualTo(List.of(1L, 2L));
  }

  @Test
  void encode_javaValues_intoWireForm() {
    assertThat(ValueCodec.encode(LocalDate.of(2026, 1, 2))).isEqualTo("2026-01-02");
    assertThat(ValueCodec.encode(Instant.parse("2026-11-23T18:31:05.123Z")))
        .isEqualTo("2026-11-23 18:31:05");
    assertThat(
            ValueCodec.encode(OffsetDateTime.of(2026, 11, 23, 20, 0, 0, 0, ZoneOffset.ofHours(2))))
        .isEqualTo("2026-11-23 18:00:00");
    assertThat(ValueCodec.encode(LocalDateTime.of(2026, 11, 23, 18, 0)))
        .isEqualTo("2026-11-23 18:00:00");
    assertThat(ValueCodec.encode(new Many2one(5, "x"))).isEqualTo(5L);
    assertThat(ValueCodec.encode(new BigDecimal("1234.56"))).isEqualTo(1234.56);
    assertThat(ValueCodec.encode(7)).isEqualTo(7L);
    assertThat(ValueCodec.encode(Optional.empty())).isEqualTo(false);
    Map<String, Object> nil = new LinkedHashMap<>();
    nil.put("comment", null);
    assertThat(ValueCodec.encode(nil)).isEqualTo(nil);
  }

  @Test
  void commands_encodeAsOdoosTriples_andParseBack() {
    List<Command> commands =
        List.of(
            Command.create(Map.of("name", "x")),
            Command.update(3, Map.of("name", "y")),
            Command.delete(4),
            Command.unlink(5),
            Command.link(6),
            Command.clear(),
            Command.set(List.of(7, 8)));
    assertThat(ValueCodec.encode(commands))
        .isEqualTo(
            List.of(
                List.of(0L, 0L, Map.of("name", "x")),
                List.of(1L, 3L, Map.of("name", "y")),
                List.of(2L, 4L, 0L),
                List.of(3L, 5L, 0L),
                List.of(4L, 6L, 0L),
                List.of(5L, 0L, 0L),
                List.of(6L, 0L, List.of(7L, 8L))));
    for (Command c : commands) {
      assertThat(Command.fromWire(c.toWire())).isEqualTo(c);
    }
    assertThatThrownBy(() -> new Command(9, 0, null, null)).hasMessageContaining("0 to 6");
  }

  @Test
  void encode_unknownType_failsWithItsName() {
    assertThatThrownBy(() -> ValueCodec.encode(new Object()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.Object");
  }

  @Test
  void parseDateTime_malformed_saysWhatItExpected() {
    assertThatThrownBy(() -> ValueCodec.parseDateTime("23/11/2026"))
        .hasMessageContaining("YYYY-MM-DD HH:MM:SS");
  }

  /**
   * Every stored value of the 2,900 recorded records decodes with its field's type, and encodes
   * back to a value that decodes to the same thing: nothing is lost on the way.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyRecordedValue_decodesAndRoundTrips() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Map<String, Map<String, Map<String, Object>>> meta =
        json.readValue(
            Files.readString(WireFixture.fixtures().resolve("odoo18/fields_get.json")), Map.class);
    Map<String, List<Map<String, Object>>> records =
        Json.MAPPER.readValue(
            Files.readString(WireFixture.fixtures().resolve("odoo18/records.json")), Map.class);
    int checked = 0;
    for (var model : records.entrySet()) {
      Map<String, Map<String, Object>> fields = meta.get(model.getKey());
      for (Map<String, Object> record : model.getValue()) {
        for (var value : record.entrySet()) {
          Map<String, Object> attributes = fields.get(value.getKey());
          if (attributes == null) {
            continue; // display_name and the like
          }
          FieldType type = FieldInfo.of(value.getKey(), attributes).type();
          Object decoded = ValueCodec.decode(type, value.getValue());
          assertDecodedType(type, decoded, model.getKey() + "." + value.getKey());
          Object again = ValueCodec.decode(type, ValueCodec.encode(decoded));
          if (decoded instanceof Many2one m2o) {
            assertThat(((Many2one) again).id()).isEqualTo(m2o.id());
          } else {
            assertThat(again).as("%s.%s", model.getKey(), value.getKey()).isEqualTo(decoded);
          }
          checked++;
        }
      }
    }
    assertThat(checked).as("values checked").isGreaterThan(50_000);
  }

  private static void assertDecodedType(FieldType type, Object decoded, String where) {
    if (decoded == null) {
      assertThat(type)
          .as(where)
          .isNotIn(FieldType.BOOLEAN, FieldType.ONE2MANY, FieldType.MANY2MANY);
      return;
    }
    Class<?> expected =
        switch (type) {
          case CHAR, TEXT, HTML, SELECTION -> String.class;
          case INTEGER, MANY2ONE_REFERENCE -> Long.class;
          case FLOAT -> Double.class;
          case MONETARY -> BigDecimal.class;
          case BOOLEAN -> Boolean.class;
          case DATE -> LocalDate.class;
          case DATETIME -> Instant.class;
          case MANY2ONE -> Many2one.class;
          case ONE2MANY, MANY2MANY -> List.class;
          default -> Object.class;
        };
    assertThat(decoded).as(where).isInstanceOf(expected);
  }
}
