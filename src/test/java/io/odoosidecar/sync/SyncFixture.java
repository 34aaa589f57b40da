package io.odoosidecar.sync;

import io.odoosidecar.http.RetryingSender;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.rule.RuleFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Partners, countries and categories in a memory Odoo, and configs read from YAML text. */
public final class SyncFixture {
  public static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-01T09:00:00Z"), ZoneOffset.UTC);

  private SyncFixture() {}

  public static MemoryOdoo odoo() {
    MemoryOdoo odoo =
        MemoryOdoo.empty()
            .defineAttributes("res.country", Map.of("name", type("char"), "code", type("char")))
            .defineAttributes("res.partner.category", Map.of("name", type("char")))
            .defineAttributes(
                "res.partner",
                Map.ofEntries(
                    Map.entry("name", type("char")),
                    Map.entry("ref", type("char")),
                    Map.entry("email", type("char")),
                    Map.entry("city", type("char")),
                    Map.entry("is_company", type("boolean")),
                    Map.entry("credit_limit", type("monetary")),
                    Map.entry("employees", type("integer")),
                    Map.entry("birthday", type("date")),
                    Map.entry("last_seen", type("datetime")),
                    Map.entry("kind", type("selection")),
                    Map.entry("country_id", relation("many2one", "res.country")),
                    Map.entry("category_id", relation("many2many", "res.partner.category")),
                    Map.entry("child_ids", relation("one2many", "res.partner")),
                    Map.entry("remote_id", type("char")),
                    Map.entry("sync_state", type("selection")),
                    Map.entry("sync_at", type("datetime")),
                    Map.entry("sync_error", type("text"))));
    odoo.put("res.country", 7, Map.of("name", "Belgium", "code", "BE"));
    odoo.put("res.partner.category", 3, Map.of("name", "Gold"));
    odoo.put("res.partner.category", 4, Map.of("name", "Retail"));
    return odoo;
  }

  /** A partner with every field set. */
  public static Map<String, Object> partner(String ref) {
    return Map.ofEntries(
        Map.entry("name", "Partner " + ref),
        Map.entry("ref", ref),
        Map.entry("email", false),
        Map.entry("city", "Gent"),
        Map.entry("is_company", false),
        Map.entry("credit_limit", 1500.5),
        Map.entry("employees", 12L),
        Map.entry("birthday", "2026-12-01"),
        Map.entry("last_seen", "2026-12-01 10:15:00"),
        Map.entry("kind", "wholesale"),
        Map.entry("country_id", List.of(7L, "Belgium")),
        Map.entry("category_id", List.of(3L, 4L)),
        Map.entry("child_ids", List.of()));
  }

  public static Map<String, Object> type(String type) {
    return Map.of("type", type);
  }

  public static Map<String, Object> relation(String type, String model) {
    return Map.of("type", type, "relation", model);
  }

  /** The configs of a rule file holding {@code yaml}. */
  public static List<SyncConfig> configs(Path dir, String yaml) {
    try {
      Files.writeString(dir.resolve("sync.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return RuleFiles.loadAll(dir).syncConfigs();
  }

  public static SyncEngine engine(MemoryOdoo odoo, SyncLog log) {
    RetryingSender sender = new RetryingSender(CLOCK, duration -> {}, new Random(7));
    return new SyncEngine(odoo, sender, null, log, CLOCK);
  }
}
