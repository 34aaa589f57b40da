package io.odoosidecar.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.app.SidecarConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The defaults the catalogue shows users are the ones the sections take. */
class ConfigCatalogueDefaultsTest {
  private static final Map<String, String> ENV =
      Map.of(
          "ODOO_URL", "http://odoo.example:8069",
          "ODOO_DB", "prod",
          "ODOO_USER", "admin",
          "ODOO_PASSWORD", "pw");

  @TempDir Path dir;

  @Test
  void everyLiteralDefault_writtenInAFile_readsAsWhenTheKeyIsAbsent() throws IOException {
    Map<String, Object> tree = new LinkedHashMap<>();
    int literals = 0;
    for (ConfigKey key : ConfigCatalogue.keys()) {
      Optional<String> value = literal(key.shownDefault());
      if (value.isPresent()) {
        put(
            tree,
            key.path().replace(ConfigCatalogue.NAME, SidecarConfig.DEFAULT_NAME),
            value.get());
        literals++;
      }
    }
    assertThat(literals).as("keys with a literal default").isGreaterThan(40);
    Path spelled = Files.writeString(dir.resolve("spelled.yaml"), yaml(tree, ""));
    Path empty = Files.writeString(dir.resolve("empty.yaml"), "{}\n");

    assertThat(SidecarConfig.load(spelled, ENV))
        .usingRecursiveComparison()
        .ignoringFields("file")
        .isEqualTo(SidecarConfig.load(empty, ENV));
  }

  @Test
  void literalDefault_isOneValueInBackticks() {
    assertThat(literal("`10s`")).contains("10s");
    assertThat(literal("`http://` + `server.host:port`")).isEmpty();
    assertThat(literal("required (`ODOO_URL`)")).isEmpty();
    assertThat(literal("none")).isEmpty();
  }

  /** The value of a default shown as one literal ({@code `10s`}), not a description. */
  static Optional<String> literal(String shown) {
    boolean one =
        shown.length() > 2
            && shown.startsWith("`")
            && shown.endsWith("`")
            && shown.indexOf('`', 1) == shown.length() - 1;
    return one ? Optional.of(shown.substring(1, shown.length() - 1)) : Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> tree, String path, String value) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      tree.put(path, value);
      return;
    }
    Object sub = tree.computeIfAbsent(path.substring(0, dot), k -> new LinkedHashMap<>());
    put((Map<String, Object>) sub, path.substring(dot + 1), value);
  }

  @SuppressWarnings("unchecked")
  private static String yaml(Map<String, Object> tree, String indent) {
    StringBuilder out = new StringBuilder();
    tree.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> sub) {
            out.append(indent).append(key).append(":\n");
            out.append(yaml((Map<String, Object>) sub, indent + "  "));
          } else {
            out.append(indent).append(key).append(": ").append(value).append('\n');
          }
        });
    return out.toString();
  }
}
