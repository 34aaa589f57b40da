package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Python limits that would stop every code action, or none, are refused naming the key. */
class PythonConfigHostileTest {
  @TempDir Path dir;

  static final Map<String, String> ENV =
      Map.of(
          "ODOO_PASSWORD",
          "pw",
          "ODOO_URL",
          "http://odoo.example:8069",
          "ODOO_DB",
          "prod",
          "ODOO_USER",
          "admin");

  Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("sidecar.yaml"), yaml);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "0ms", "0d"})
  void load_zeroPythonTimeout_isRefusedNamingTheKey(String timeout) throws IOException {
    Path file = write("python:\n  timeout: " + timeout + "\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": python.timeout: must be longer than 0s");
  }

  @Test
  void load_positiveTimeout_isKept() throws IOException {
    Path file = write("python:\n  timeout: 500ms\n");
    assertThat(SidecarConfig.load(file, ENV).python().timeout()).isEqualTo(Duration.ofMillis(500));
  }
}
