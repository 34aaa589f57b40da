package io.odoosidecar.app;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.pipeline.ChangePayload;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.pipeline.Processor;
import io.odoosidecar.rule.RuleRegistry;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.sync.IdempotencyKeys;
import io.odoosidecar.sync.SyncFixture;
import io.odoosidecar.sync.SyncLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's sync wiring: a rule file's config, an event, the API called, the log kept. */
class SyncWiringTest {
  @RegisterExtension
  static WireMockExtension api =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;

  /** A clock the test moves. */
  static final class MovingClock extends Clock {
    volatile Instant now = Instant.parse("2026-12-01T09:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void anEvent_ofASyncConfigsModel_reachesTheApi_isLoggedInTheEventStore_andPrunedLater()
      throws Exception {
    api.resetAll();
    api.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{}")));
    Path rules = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(
        rules.resolve("sync.yaml"),
        "sync:\n  - name: customers\n    model: res.partner\n    on: [write]\n    url: "
            + api.baseUrl()
            + "/customers/{ref}\n    retry: {attempts: 1, initial: 1s, max: 1s}\n"
            + "    mapping:\n      - {field: ref, key: id, identifier: true}\n"
            + "      - {field: name, key: name}\n");
    MemoryOdoo odoo = SyncFixture.odoo();
    odoo.put("res.partner", 1, SyncFixture.partner("C-1"));
    MovingClock clock = new MovingClock();
    try (RuleRegistry registry = new RuleRegistry(rules, Duration.ofMillis(50));
        EventLog events = EventLog.embedded(dir.resolve("data"));
        SyncWiring wiring =
            new SyncWiring(
                new SidecarConfig.SyncSettings(Duration.ofDays(30), 4096),
                events,
                Map.of("memory", odoo),
                null,
                () -> registry.snapshot().syncConfigs(),
                clock)) {
      Processor processor =
          new Processor(
                  events,
                  db -> db.equals("memory") ? odoo : null,
                  registry::rules,
                  new Processor.Settings(5, new RetryPolicy(1, Duration.ZERO, Duration.ZERO)),
                  clock,
                  null)
              .withSync(wiring.engine())
              .withSyncConfigs(wiring.lookup());
      events.append(
          List.of(
              new EventLog.NewEvent(
                  "memory",
                  "t1",
                  "res.partner",
                  1,
                  "write",
                  new ChangePayload(
                          "write",
                          List.of("name"),
                          Map.of("name", "Old name"),
                          Map.of(),
                          2,
                          null,
                          "push",
                          1,
                          List.of(),
                          0,
                          Map.of(),
                          null)
                      .toJson())),
          clock.instant());
      List<EventLog.Event> batch = events.claim(10, clock.instant());
      processor.process(batch);

      api.verify(
          putRequestedFor(urlPathEqualTo("/customers/C-1"))
              .withHeader(
                  "Idempotency-Key",
                  equalTo(IdempotencyKeys.of(batch.get(0).id(), "customers", 1))));
      assertThat(wiring.engine("memory")).isSameAs(wiring.engine());
      // the rows are in the event log's own database
      try (SyncLog same = SyncLog.open(events.connectionSource(), clock, 4096)) {
        assertThat(same.query(SyncLog.Query.newest(10)))
            .singleElement()
            .satisfies(
                e -> {
                  assertThat(e.config()).isEqualTo("customers");
                  assertThat(e.recordIds()).containsExactly(1L);
                  assertThat(e.status()).isEqualTo(200);
                });
      }

      assertThat(wiring.pruner().tick()).as("a month younger than the retention").isZero();
      clock.now = clock.now.plus(Duration.ofDays(31));
      assertThat(wiring.pruner().tick()).isEqualTo(1);
      assertThat(wiring.log().query(SyncLog.Query.newest(10))).isEmpty();
    }
  }
}
