package io.odoosidecar.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.RuleFiles;
import io.odoosidecar.rule.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncUnlinkFieldsTest {
  @TempDir Path dir;

  private static final String CONFIGS =
      "sync:\n"
          + "  - name: deleted\n    model: res.partner\n    on: [unlink]\n"
          + "    url: {create: 'http://x/c', write: 'http://x/w/{ref}',"
          + " unlink: 'http://x/d/{identifier}/{country_id.code}/{city}'}\n"
          + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
          + "      - {field: country_id.name, key: country}\n"
          + "      - {field: category_id, key: tags, type: relational, as: id}\n"
          + "  - name: written\n    model: res.partner\n    on: [write]\n"
          + "    url: 'http://x/w/{email}'\n"
          + "    mapping:\n      - {field: name, key: id, identifier: true}\n"
          + "  - name: by-rule\n    model: res.country\n"
          + "    url: 'http://x/countries/{code}'\n"
          + "    mapping:\n      - {field: name, key: id, identifier: true}\n";

  @Test
  void of_configsSyncingDeletions_needTheirTopLevelFieldsIdentifierAndUrlPlaceholders()
      throws Exception {
    Files.writeString(dir.resolve("sync.yaml"), CONFIGS);
    RuleFiles.Contents contents = RuleFiles.loadAll(dir);
    Rule byRule =
        new Rule(
            "countries gone",
            "res.country",
            true,
            Trigger.ON_UNLINK,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(Map.of("state", "api_sync", "sync_config", "by-rule")));
    List<Rule> rules = new java.util.ArrayList<>(contents.rules());
    rules.add(byRule);

    Map<String, java.util.Set<String>> fields = SyncUnlinkFields.of(contents.syncConfigs(), rules);

    // 'written' syncs no deletion: its email placeholder is not among them
    assertThat(fields)
        .containsOnlyKeys("res.partner", "res.country")
        .containsEntry("res.partner", java.util.Set.of("ref", "country_id", "category_id", "city"))
        .containsEntry("res.country", java.util.Set.of("name", "code"));
  }

  @Test
  void of_anInactiveUnlinkRule_addsNothing() throws Exception {
    Files.writeString(dir.resolve("sync.yaml"), CONFIGS);
    RuleFiles.Contents contents = RuleFiles.loadAll(dir);
    Rule inactive =
        new Rule(
            "off",
            "res.country",
            false,
            Trigger.ON_UNLINK,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(Map.of("state", "api_sync", "sync_config", "by-rule")));

    assertThat(SyncUnlinkFields.of(contents.syncConfigs(), List.of(inactive)))
        .doesNotContainKey("res.country")
        .containsKey("res.partner");
  }
}
