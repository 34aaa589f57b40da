package io.odoosidecar.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented example of sync configs loads, with the secrets its auths name given. */
class SyncExampleTest {
  private static final Path EXAMPLE = Path.of("config", "examples", "sync.yaml");

  @Test
  void theExampleLoads_everyConfigAsWritten() throws IOException {
    Path secret = Files.createTempFile("wms", ".secret");
    String text =
        Files.readString(EXAMPLE).replace("/etc/odoo-sidecar/wms.secret", secret.toString());
    Files.writeString(secret, "wms-secret");
    Map<?, ?> root = new ObjectMapper(new YAMLFactory()).readValue(text, Map.class);
    Map<String, String> env = Map.of("CRM_API_TOKEN", "t0ken", "HUB_CLIENT_SECRET", "s3cret");

    List<SyncConfig> configs = SyncConfigs.parse(EXAMPLE, root.get("sync"), env::get);

    assertThat(configs)
        .extracting(SyncConfig::name)
        .containsExactly("customers", "orders", "invoices");
    SyncConfig customers = configs.get(0);
    assertThat(customers.method("write")).isEqualTo("PATCH");
    assertThat(customers.identifier().field()).isEqualTo("id");
    assertThat(SyncConfigs.rules(customers)).isNotEmpty();
    assertThat(configs.get(1).batch()).isEqualTo(50);
    assertThat(configs.get(2).auth().kind()).isEqualTo("oauth2-client-credentials");
    Files.delete(secret);
  }
}
