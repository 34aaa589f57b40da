package io.odoosidecar.sync;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class SyncConcurrencyTest {
  private static final int DELAY_MS = 1000;

  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().containerThreads(20))
          .build();

  @TempDir Path dir;

  @Test
  void sync_concurrencyFour_fourRequestsInFlightAtOnce() {
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(DELAY_MS)));
    MemoryOdoo odoo = SyncFixture.odoo();
    List<Long> ids = new ArrayList<>();
    for (long id = 1; id <= 8; id++) {
      odoo.put("res.partner", id, SyncFixture.partner("C-" + id));
      ids.add(id);
    }
    SyncConfig config =
        SyncFixture.configs(
                dir,
                "sync:\n  - name: customers\n    model: res.partner\n    url: "
                    + api.baseUrl()
                    + "/customers/{ref}\n    concurrency: 4\n    mapping:\n"
                    + "      - {field: ref, key: id, identifier: true}\n")
            .get(0);
    SyncReport report;
    try (SyncEngine engine = SyncFixture.engine(odoo, null)) {
      report =
          engine.sync(
              new SyncRequest(config, "create", "res.partner", ids, Map.of(), Map.of(), false));
    }
    assertThat(report.results()).hasSize(8).allMatch(SyncReport.RecordResult::success);
    List<Long> received =
        api.findAll(anyRequestedFor(anyUrl())).stream()
            .map(r -> r.getLoggedDate().getTime())
            .sorted()
            .toList();
    assertThat(received).hasSize(8);
    // a request starts only when one of the four in flight has ended, a delay after it started:
    // within less than a delay, exactly four start
    assertThat(mostWithin(received, DELAY_MS - 100)).isEqualTo(4);
  }

  /** The most requests received within a window of {@code width} milliseconds. */
  private static int mostWithin(List<Long> times, long width) {
    int most = 0;
    for (int i = 0; i < times.size(); i++) {
      int count = 0;
      for (int j = i; j < times.size() && times.get(j) - times.get(i) < width; j++) {
        count++;
      }
      most = Math.max(most, count);
    }
    return most;
  }
}
