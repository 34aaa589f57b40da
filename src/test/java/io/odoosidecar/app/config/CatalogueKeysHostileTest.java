package io.odoosidecar.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.app.ConfigException;
import io.odoosidecar.app.SidecarConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A key the catalogue does not list is refused wherever it is written, naming the ones it does. */
class CatalogueKeysHostileTest {
  private static final Map<String, String> ENV =
      Map.of(
          "ODOO_URL", "http://odoo.example:8069",
          "ODOO_DB", "prod",
          "ODOO_USER", "admin",
          "ODOO_PASSWORD", "pw");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "odoo",
        "odoo.connections.NAME",
        "odoo.connections.NAME.retry",
        "server",
        "event-log",
        "instance",
        "push",
        "pipeline",
        "pipeline.retry",
        "poll",
        "python",
        "sync",
        "history",
        "console",
        "logging",
        "metrics"
      })
  void unknownKey_isRefusedNamingFileKeyAndTheCataloguedKeys(String mapping) throws IOException {
    String path = mapping.replace(ConfigCatalogue.NAME, SidecarConfig.DEFAULT_NAME);
    Path file = write(nest(path, "colour: red"));
    String key = path.isEmpty() ? "colour" : path + ".colour";
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            file
                + ": "
                + key
                + ": unknown key; known keys here: "
                + String.join(", ", new TreeSet<>(ConfigCatalogue.childrenOf(mapping))));
  }

  @Test
  void theTopOfTheFile_holdsTheSections() {
    assertThat(ConfigCatalogue.childrenOf(""))
        .containsExactlyInAnyOrder(
            "odoo",
            "server",
            "data-dir",
            "event-log",
            "instance",
            "push",
            "pipeline",
            "poll",
            "python",
            "sync",
            "history",
            "console",
            "logging",
            "metrics");
    assertThat(ConfigCatalogue.childrenOf("pipeline.retry"))
        .containsExactlyInAnyOrder("max-attempts", "initial-backoff", "max-backoff");
  }

  @Test
  void aKeyNamedLikeTheCatalogueWildcard_isOnlyAConnectionName() throws IOException {
    Path file = write("server:\n  NAME: x\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .hasMessageStartingWith(file + ": server.NAME: unknown key");
  }

  /** {@code body} under the mappings of the dotted {@code path}. */
  private static String nest(String path, String body) {
    StringBuilder yaml = new StringBuilder();
    String indent = "";
    for (String part : path.isEmpty() ? new String[0] : path.split("\\.")) {
      yaml.append(indent).append(part).append(":\n");
      indent += "  ";
    }
    return yaml.append(indent).append(body).append('\n').toString();
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("sidecar.yaml"), yaml);
  }
}
