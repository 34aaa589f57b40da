package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configurations a careless or hostile hand wrote. */
class ConfigHostileTest {
  private static final Map<String, String> ENV = Map.of("ODOO_PASSWORD", "pw");

  @TempDir Path dir;

  @Test
  void load_keyTwiceInAConnection_namesFileKeyAndBothLines() throws IOException {
    Path file =
        write(
            "odoo:\n"
                + "  connections:\n"
                + "    main:\n"
                + "      url: http://odoo.internal:8069\n"
                + "      database: prod\n"
                + "      login: admin\n"
                + "      url: http://attacker.example:8069\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ": odoo.connections.main: duplicate key 'url' at lines 4 and 7");
  }

  @Test
  void load_sectionTwice_refusedAtTheTop() throws IOException {
    Path file =
        write(
            "server: {host: 127.0.0.1}\n"
                + "odoo:\n  connections:\n    main: {url: 'http://x:1', database: d, login: l}\n"
                + "server: {host: 0.0.0.0}\n");
    assertThatThrownBy(() -> SidecarConfig.load(file, ENV))
        .hasMessage(file + ": duplicate key 'server' at lines 1 and 5");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("sidecar.yaml"), yaml);
  }
}
