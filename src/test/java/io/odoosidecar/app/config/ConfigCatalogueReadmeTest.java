package io.odoosidecar.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration table shows the catalogue: one row per key, with the catalogue's
 * default and meaning, and no row for a key the catalogue does not have.
 */
class ConfigCatalogueReadmeTest {
  private static final String HEADER = "| key | default | meaning |";

  private static Map<String, ConfigKey> table;

  @BeforeAll
  static void readTable() throws IOException {
    table = parse(Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8));
  }

  @Test
  void everyCatalogueKey_hasARow() {
    Set<String> missing = new TreeSet<>(paths(ConfigCatalogue.keys()));
    missing.removeAll(table.keySet());
    assertThat(missing).as("catalogue keys the README's table does not show").isEmpty();
  }

  @Test
  void everyRow_isACatalogueKey() {
    Set<String> extra = new TreeSet<>(table.keySet());
    extra.removeAll(paths(ConfigCatalogue.keys()));
    assertThat(extra).as("README rows for keys the catalogue does not have").isEmpty();
  }

  @Test
  void everyRow_showsTheCatalogueDefaultAndMeaning() {
    for (ConfigKey key : ConfigCatalogue.keys()) {
      ConfigKey row = table.get(key.path());
      if (row != null) {
        assertThat(row).as("README row of %s; expected:%n%s", key.path(), row(key)).isEqualTo(key);
      }
    }
  }

  @Test
  void catalogue_namesEachKeyOnce_andWritesNoCellTheTableWouldSplit() {
    List<String> paths = paths(ConfigCatalogue.keys());
    assertThat(paths).doesNotHaveDuplicates();
    for (ConfigKey key : ConfigCatalogue.keys()) {
      assertThat(key.path() + key.shownDefault() + key.meaning()).doesNotContain("|", "\n");
    }
  }

  private static List<String> paths(List<ConfigKey> keys) {
    return keys.stream().map(ConfigKey::path).collect(Collectors.toList());
  }

  /** The rows of the one table headed {@link #HEADER}, by key. */
  private static Map<String, ConfigKey> parse(List<String> lines) {
    assertThat(lines.stream().filter(HEADER::equals).count()).as("tables headed " + HEADER).isOne();
    Map<String, ConfigKey> rows = new LinkedHashMap<>();
    int at = lines.indexOf(HEADER) + 2;
    for (; at < lines.size() && lines.get(at).startsWith("|"); at++) {
      ConfigKey row = parseRow(lines.get(at));
      assertThat(rows.put(row.path(), row)).as("second row for " + row.path()).isNull();
    }
    return rows;
  }

  private static ConfigKey parseRow(String line) {
    assertThat(line).as("a table row").startsWith("| `").endsWith(" |");
    String[] cells = line.substring(2, line.length() - 2).split(" \\| ", -1);
    assertThat(cells).as("cells of " + line).hasSize(3);
    String key = cells[0];
    assertThat(key).as("a key in backticks, alone in its cell: " + line).matches("`[^`]+`");
    return new ConfigKey(key.substring(1, key.length() - 1), cells[1], cells[2]);
  }

  private static String row(ConfigKey key) {
    return "| `" + key.path() + "` | " + key.shownDefault() + " | " + key.meaning() + " |";
  }
}
