package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded store takes one sidecar: a second on the same data-dir refuses to start, saying why.
 */
class EmbeddedSingleInstanceTest {
  @TempDir Path dir;

  @Test
  void aSecondSidecarOnTheSameDataDir_refusesToStart_untilTheFirstStops() throws Exception {
    MemoryOdoo odoo = MemoryOdoo.empty();
    Path data = dir.resolve("data").toAbsolutePath();
    TestSidecar first = TestSidecar.start(dir, odoo, "rules: []\n", "instance:\n  id: solo\n");
    try {
      com.fasterxml.jackson.databind.JsonNode instance =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(first.get("/health").body())
              .path("instance");
      org.assertj.core.api.Assertions.assertThat(instance.path("id").asText()).isEqualTo("solo");
      org.assertj.core.api.Assertions.assertThat(instance.path("leader").booleanValue())
          .as("alone on its store, it leads")
          .isTrue();
      org.assertj.core.api.Assertions.assertThat(instance.path("instances").findValuesAsText("url"))
          .containsExactly(first.url());
      assertThatThrownBy(() -> TestSidecar.start(dir, odoo, "rules: []\n", ""))
          .hasMessageContaining("the data directory " + data + " is in use by another sidecar")
          .hasMessageContaining("(process " + ProcessHandle.current().pid() + ")")
          .hasMessageContaining(
              "to run several instances, give them all a PostgreSQL event-log.url");
    } finally {
      first.close();
    }
    TestSidecar.start(dir, odoo, "rules: []\n", "").close(); // free again
  }
}
