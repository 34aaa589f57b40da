package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerVersionTest {
  @Test
  void saasVersions_andJson2Availability() {
    ServerVersion saas =
        ServerVersion.ofCommonVersion(
            Map.of(
                "server_version",
                "saas~17.4+e",
                "server_version_info",
                List.of("saas~17", 4L, 0L, "final", 0L, "e")));
    assertThat(saas.major()).isEqualTo(17);
    assertThat(saas.minor()).isEqualTo(4);
    assertThat(saas.hasJson2()).isFalse();
    assertThat(
            ServerVersion.ofWebVersion(Map.of("version", "19.0", "version_info", List.of(19L, 0L)))
                .hasJson2())
        .isTrue();
    assertThat(ServerVersion.ofWebVersion(Map.of("version", "20.0")).major()).isEqualTo(20);
  }
}
