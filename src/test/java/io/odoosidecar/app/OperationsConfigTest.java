package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.odoosidecar.app.SidecarConfig.ConsoleConfig;
import io.odoosidecar.app.SidecarConfig.HistoryConfig;
import io.odoosidecar.app.SidecarConfig.LoggingConfig;
import io.odoosidecar.app.SidecarConfig.MetricsConfig;
import io.odoosidecar.app.config.ConfigCatalogue;
import io.odoosidecar.app.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The run history, console, logging and metrics sections: read, defaulted and checked. */
class OperationsConfigTest {
  private static final Map<String, String> ENV =
      Map.of(
          "ODOO_URL", "http://odoo.example:8069",
          "ODOO_DB", "prod",
          "ODOO_USER", "admin",
          "ODOO_PASSWORD", "pw");

  @TempDir Path dir;

  @Test
  void sections_areRead() throws IOException {
    SidecarConfig config =
        SidecarConfig.load(
            write(
                """
                history: {retention: 12h, max-runs: 250}
                console: {enabled: false, group: sidecar_bridge.group_operator,
                          session-timeout: 30m, login-attempts: 3}
                logging: {format: JSON}
                metrics: {enabled: false}
                """),
            ENV);
    assertThat(config.history()).isEqualTo(new HistoryConfig(Duration.ofHours(12), 250));
    assertThat(config.console())
        .isEqualTo(
            new ConsoleConfig(false, "sidecar_bridge.group_operator", Duration.ofMinutes(30), 3));
    assertThat(config.logging().format()).isEqualTo("json");
    assertThat(config.logging().json()).isTrue();
    assertThat(config.metrics().enabled()).isFalse();
  }

  @Test
  void absentSections_takeTheDefaults() throws IOException {
    SidecarConfig config = SidecarConfig.load(write("{}\n"), ENV);
    assertThat(config.history().retention()).isEqualTo(Duration.ofDays(30));
    assertThat(config.history().maxRuns()).isEqualTo(10_000);
    assertThat(config.console())
        .isEqualTo(new ConsoleConfig(true, "base.group_system", Duration.ofHours(8), 5));
    assertThat(config.logging().json()).isFalse();
    assertThat(config.metrics().enabled()).isTrue();
  }

  @Test
  void shippedExample_spellsEveryKeyOfTheNewSections_withItsDefault() throws IOException {
    JsonNode example =
        new ObjectMapper(new YAMLFactory()).readTree(Path.of("config/sidecar.yaml").toFile());
    List<String> spelled = new ArrayList<>();
    for (ConfigKey key : ConfigCatalogue.keys()) {
      String section = key.path().substring(0, key.path().indexOf('.') + 1);
      if (List.of("history.", "console.", "logging.", "metrics.").contains(section)) {
        assertThat(example.at("/" + key.path().replace('.', '/')).isValueNode())
            .as("config/sidecar.yaml spells " + key.path())
            .isTrue();
        spelled.add(key.path());
      }
    }
    assertThat(spelled).hasSize(8);
    SidecarConfig config = SidecarConfig.load(Path.of("config/sidecar.yaml"), ENV);
    assertThat(config.history()).isEqualTo(HistoryConfig.DEFAULTS);
    assertThat(config.console()).isEqualTo(ConsoleConfig.DEFAULTS);
    assertThat(config.logging()).isEqualTo(LoggingConfig.DEFAULTS);
    assertThat(config.metrics()).isEqualTo(MetricsConfig.DEFAULTS);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "history: {retention: 0d}; history.retention: must be more than 0",
        "history: {retention: soon}; history.retention: must be a duration",
        "history: {max-runs: 99}; history.max-runs: must be between 100 and 10000000, got 99",
        "history: {max-runs: 10000001}; history.max-runs: must be between 100 and 10000000",
        "console: {enabled: yes please}; console.enabled: must be true or false",
        "console: {group: admins}; console.group: must be the xml id of an Odoo group"
            + " (module.name, such as base.group_system), got 'admins'",
        "console: {group: base.group.system}; console.group: must be the xml id",
        "console: {group: 'base. group_system'}; console.group: must be the xml id",
        "console: {session-timeout: 0s}; console.session-timeout: must be more than 0",
        "console: {login-attempts: 0}; console.login-attempts: must be between 1 and 1000, got 0",
        "console: {login-attempts: 1001}; console.login-attempts: must be between 1 and 1000",
        "logging: {format: xml}; logging.format: must be text or json, got 'xml'",
        "logging: text; logging: must be a mapping of keys to values",
        "metrics: {enabled: 1}; metrics.enabled: must be true or false, got '1'"
      })
  void badValues_areRefusedNamingFileAndKey(String yaml, String problem) throws IOException {
    Path file = write(yaml + "\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file + ": " + problem);
  }

  @Test
  void limits_areAccepted() throws IOException {
    SidecarConfig config =
        SidecarConfig.load(
            write("history: {max-runs: 100}\nconsole: {login-attempts: 1000}\n"), ENV);
    assertThat(config.history().maxRuns()).isEqualTo(100);
    assertThat(config.console().loginAttempts()).isEqualTo(1000);
  }

  @Test
  void convenienceConstructors_giveTheDefaults_andWithersReplaceOneSection() {
    SidecarConfig base = OfflineConfigs.of("127.0.0.1", dir);
    assertThat(base.history()).isEqualTo(HistoryConfig.DEFAULTS);
    assertThat(base.console()).isEqualTo(ConsoleConfig.DEFAULTS);
    assertThat(base.logging()).isEqualTo(LoggingConfig.DEFAULTS);
    assertThat(base.metrics()).isEqualTo(MetricsConfig.DEFAULTS);

    SidecarConfig changed =
        base.withHistory(new HistoryConfig(Duration.ofDays(1), 500))
            .withConsole(new ConsoleConfig(false, "base.group_user", Duration.ofHours(1), 2))
            .withLogging(new LoggingConfig(LoggingConfig.JSON))
            .withMetrics(new MetricsConfig(false));
    assertThat(changed.history().maxRuns()).isEqualTo(500);
    assertThat(changed.console().group()).isEqualTo("base.group_user");
    assertThat(changed.logging().json()).isTrue();
    assertThat(changed.metrics().enabled()).isFalse();
    assertThat(changed)
        .usingRecursiveComparison()
        .ignoringFields("history", "console", "logging", "metrics")
        .isEqualTo(base);
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "sidecar", ".yaml"), yaml);
  }
}
