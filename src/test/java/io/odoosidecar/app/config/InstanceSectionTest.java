package io.odoosidecar.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.app.ConfigException;
import io.odoosidecar.app.SidecarConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code instance} section: its id and lease, read or refused naming the file and the key. */
class InstanceSectionTest {
  private static final Map<String, String> ENV =
      Map.of(
          "ODOO_URL", "http://odoo.example:8069",
          "ODOO_DB", "prod",
          "ODOO_USER", "admin",
          "ODOO_PASSWORD", "pw");

  @TempDir Path dir;

  @Test
  void absent_isThisHostAndProcess_withA30sLease() throws IOException {
    SidecarConfig.InstanceConfig instance = load("{}\n").instance();
    assertThat(instance.id())
        .endsWith(":" + ProcessHandle.current().pid())
        .hasSizeGreaterThan(Long.toString(ProcessHandle.current().pid()).length() + 1);
    assertThat(instance.lease()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void given_isRead() throws IOException {
    SidecarConfig.InstanceConfig instance =
        load("instance:\n  id: sidecar-b\n  lease: 12s\n").instance();
    assertThat(instance.claimant())
        .isEqualTo(new io.odoosidecar.store.EventLog.Claimant("sidecar-b", Duration.ofSeconds(12)));
  }

  @Test
  void aLeaseShorterThan3s_isRefused() throws IOException {
    Path file = write("instance:\n  lease: 2s\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": instance.lease: must be at least 3s, got PT2S");
  }

  @Test
  void anIdTooLongOrWithAControlCharacter_isRefused() throws IOException {
    Path longer = write("instance:\n  id: " + "x".repeat(256) + "\n");
    assertThatThrownBy(() -> SidecarConfig.load(longer, ENV))
        .hasMessage(
            longer
                + ": instance.id: must be at most 255 characters, none of them a control"
                + " character");
    Path control = write("instance:\n  id: \"a\\tb\"\n");
    assertThatThrownBy(() -> SidecarConfig.load(control, ENV))
        .hasMessageStartingWith(control + ": instance.id: must be at most 255 characters");
  }

  private SidecarConfig load(String yaml) throws IOException {
    return SidecarConfig.load(write(yaml), ENV);
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("sidecar.yaml"), yaml);
  }
}
