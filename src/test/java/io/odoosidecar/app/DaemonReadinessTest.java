package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.odoosidecar.pipeline.MemoryOdoo;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ready once the rules a connected database runs in the sidecar were looked for, not before. */
class DaemonReadinessTest {
  @TempDir Path dir;

  @Test
  void notReadyUntilTheConnectedDatabasesRulesWereImported() throws Exception {
    MemoryOdoo odoo = MemoryOdoo.fromFixtures(ConsoleDaemonBrowserTest.FIXTURES);
    // the addon's field on base.automation: the import reads the rules ticked "Run in sidecar"
    odoo.define(
        "base.automation",
        java.util.Map.of("name", "char", "active", "boolean", "sidecar_offload", "boolean"),
        java.util.List.of());
    CountDownLatch importing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    odoo.fault(
        (point, model, method, args) -> {
          if (point == MemoryOdoo.Point.BEFORE && model.equals("base.automation")) {
            importing.countDown();
            try {
              release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    try (TestSidecar sidecar = TestSidecar.start(dir, odoo, "rules: []\n", "")) {
      assertThat(importing.await(30, TimeUnit.SECONDS)).as("the import began").isTrue();
      HttpResponse<String> waiting = sidecar.get("/health/ready");
      assertThat(waiting.statusCode()).isEqualTo(503);
      assertThat(waiting.body()).contains("not imported yet");

      release.countDown();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> sidecar.get("/health/ready").statusCode() == 200);
    }
  }
}
