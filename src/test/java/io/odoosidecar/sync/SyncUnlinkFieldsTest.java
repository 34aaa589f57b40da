package io.odoosidecar.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.pipeline.WatchList;
import io.odoosidecar.rule.RuleFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the deletion rules' syncs need the addon to snapshot of the deleted records. */
class SyncUnlinkFieldsTest {
  @TempDir Path dir;

  @Test
  @SuppressWarnings("unchecked")
  void unlinkFields_theMappedFieldsAndUrlPlaceholders_ofTheConfigsDeletionRulesName()
      throws IOException {
    Files.writeString(
        dir.resolve("sync.yaml"),
        "sync:\n"
            + "  - name: customers\n"
            + "    model: res.partner\n"
            + "    url:\n"
            + "      create: https://api.example.com/c\n"
            + "      write: https://api.example.com/c/{identifier}\n"
            + "      unlink: https://api.example.com/c/{identifier}?country={country_id.code}\n"
            + "    mapping:\n"
            + "      - {field: ref, key: id, identifier: true}\n"
            + "      - {field: parent_id.name, key: company}\n"
            + "    on: [create, unlink]\n"
            + "  - name: leads\n"
            + "    model: crm.lead\n"
            + "    url: https://api.example.com/l\n"
            + "    mapping:\n"
            + "      - {field: name, key: id, identifier: true}\n"
            + "      - {key: score, type: python, expression: 'record.probability * 2'}\n"
            + "  - name: unused\n"
            + "    model: res.users\n"
            + "    url: https://api.example.com/u\n"
            + "    mapping:\n"
            + "      - {field: login, key: id, identifier: true}\n"
            + "rules:\n"
            + "  - name: Lead gone\n"
            + "    model: crm.lead\n"
            + "    trigger: on_unlink\n"
            + "    actions:\n"
            + "      - state: multi\n"
            + "        child_ids:\n"
            + "          - {state: api_sync, sync_config: leads}\n"
            + "  - name: User written\n"
            + "    model: res.users\n"
            + "    trigger: on_write\n"
            + "    actions:\n"
            + "      - {state: api_sync, sync_config: unused}\n");
    RuleFiles.Contents contents = RuleFiles.loadAll(dir);

    Map<String, java.util.Set<String>> fields =
        SyncConfigs.unlinkFields(contents.rules(), SyncConfigLookup.of(contents.syncConfigs()));

    assertThat(fields)
        .containsOnlyKeys("res.partner", "crm.lead")
        .containsEntry("res.partner", java.util.Set.of("country_id", "parent_id", "ref"))
        .containsEntry("crm.lead", java.util.Set.of("*", "name"));
    Map<String, Object> models =
        (Map<String, Object>) WatchList.of(contents.rules(), fields).get("models");
    assertThat((Map<String, Object>) models.get("res.partner"))
        .containsEntry("unlink_fields", java.util.List.of("country_id", "parent_id", "ref"));
  }
}
