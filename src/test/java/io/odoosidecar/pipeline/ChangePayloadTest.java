package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangePayloadTest {
  static ChangePayload deletion(Map<String, Object> snapshot) {
    return new ChangePayload(
        "unlink",
        List.of(),
        Map.of("name", "Gone"),
        Map.of(),
        2,
        "2026-11-23 10:00:00",
        "push",
        41,
        List.of(),
        0,
        Map.of(),
        null,
        snapshot);
  }

  /** The stored text read back as another process reads it: not this process's cached copy. */
  static ChangePayload reread(ChangePayload payload) {
    return ChangePayload.parse(new String(payload.toJson().toCharArray()));
  }

  @Test
  void parse_ofAStoredDeletion_givesBackItsSnapshot() {
    Map<String, Object> snapshot =
        Map.of("name", "Gone", "email", "gone@example.com", "category_id", List.of(4, 5));

    ChangePayload back = reread(deletion(snapshot));

    assertThat(back.snapshot()).isEqualTo(snapshot);
    assertThat(back.old()).isEqualTo(Map.of("name", "Gone"));
    assertThat(back.outboxId()).isEqualTo(41);
  }

  @Test
  void toJson_ofAPayloadWithoutSnapshot_writesNoSnapshotKey() {
    ChangePayload write =
        new ChangePayload(
            "write",
            List.of("name"),
            Map.of(),
            Map.of(),
            2,
            null,
            "push",
            7,
            List.of(),
            0,
            Map.of(),
            null);

    assertThat(write.toJson()).doesNotContain("snapshot");
    assertThat(reread(write).snapshot()).isEmpty();
    assertThat(deletion(Map.of("name", "x")).toJson()).contains("\"snapshot\":{\"name\":\"x\"}");
  }
}
