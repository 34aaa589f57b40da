package io.odoosidecar.pipeline;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.odoosidecar.action.ActionContext;
import io.odoosidecar.action.ActionTarget;
import io.odoosidecar.action.PartialFailureException;
import io.odoosidecar.action.WebhookSettings;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.Webhooks;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The webhook action against a local receiver. */
class WebhookActionTest {
  @RegisterExtension
  static WireMockExtension receiver =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  @TempDir Path dir;
  MemoryOdoo odoo;
  final List<String> attempts = new ArrayList<>();

  @BeforeEach
  void setUp() {
    receiver.resetAll();
    odoo = MemoryOdoo.fromFixtures(ProcessorTest.FIXTURES);
  }

  Rule rule() {
    return new Rule(
        "Sync lead",
        "crm.lead",
        true,
        Trigger.ON_WRITE,
        List.of(),
        null,
        null,
        Map.of(),
        List.of(
            Map.of(
                "state",
                "webhook",
                "name",
                "Send lead",
                "webhook_url",
                receiver.baseUrl() + "/hook",
                "webhook_field_ids",
                List.of("name", "expected_revenue"))));
  }

  ActionContext runner() {
    return ActionContext.builder(odoo, new ExternalIds(odoo))
        .webhooks(
            new WebhookSettings(
                Duration.ofSeconds(2),
                new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(20)),
                wait -> {},
                (rule, url, id, attempt, status, millis, error) ->
                    attempts.add(id + "#" + attempt + ":" + status)))
        .build();
  }

  @Test
  void eachRecordIsPostedWithItsFieldsAndAnIdempotencyKey_aFailingOneIsRetried() {
    List<Long> ids = new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, 2);
    long flaky = ids.get(1);
    receiver.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
    receiver.stubFor(
        post(urlEqualTo("/hook"))
            .withRequestBody(matchingJsonPath("$._id", equalTo(String.valueOf(flaky))))
            .inScenario("flaky")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("up"));
    receiver.stubFor(
        post(urlEqualTo("/hook"))
            .withRequestBody(matchingJsonPath("$._id", equalTo(String.valueOf(flaky))))
            .inScenario("flaky")
            .whenScenarioStateIs("up")
            .willReturn(aResponse().withStatus(200)));
    Rule rule = rule();

    String result =
        runner()
            .run(
                new ActionTarget(
                    rule,
                    "0",
                    rule.actions().get(0),
                    "crm.lead",
                    ids,
                    Map.of(ids.get(0), 41L, flaky, 42L)));

    assertThat(result).isEqualTo("posted 2 records to " + receiver.baseUrl() + "/hook");
    Object name = odoo.records("crm.lead").get(ids.get(0)).get("name");
    receiver.verify(
        postRequestedFor(urlEqualTo("/hook"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withHeader(
                "Idempotency-Key",
                com.github.tomakehurst.wiremock.client.WireMock.matching(
                    "sidecar_idem\\.e41_r[0-9a-f]+_a0"))
            .withRequestBody(matchingJsonPath("$._model", equalTo("crm.lead")))
            .withRequestBody(matchingJsonPath("$._action", equalTo("Send lead(#0)")))
            .withRequestBody(matchingJsonPath("$.name", equalTo(String.valueOf(name)))));
    assertThat(attempts).containsExactly(ids.get(0) + "#1:200", flaky + "#1:503", flaky + "#2:200");
  }

  @Test
  void aRefusedRecordFailsAloneAndTheOthersAreNotPostedAgain() {
    List<Long> ids = new ArrayList<>(odoo.records("crm.lead").keySet()).subList(0, 3);
    long refused = ids.get(1);
    receiver.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
    receiver.stubFor(
        post(urlEqualTo("/hook"))
            .withRequestBody(matchingJsonPath("$._id", equalTo(String.valueOf(refused))))
            .willReturn(aResponse().withStatus(422)));
    Rule rule = rule();
    assertThatThrownBy(
            () ->
                runner()
                    .run(
                        new ActionTarget(
                            rule, "0", rule.actions().get(0), "crm.lead", ids, Map.of())))
        .isInstanceOf(PartialFailureException.class)
        .satisfies(
            e -> {
              PartialFailureException partial = (PartialFailureException) e;
              assertThat(partial.done()).containsExactly(ids.get(0), ids.get(2));
              assertThat(partial.failed()).containsOnlyKeys(refused);
              assertThat(partial.failed().get(refused)).contains("HTTP 422");
            });
    assertThat(attempts)
        .containsExactly(ids.get(0) + "#1:200", refused + "#1:422", ids.get(2) + "#1:200");

    // through the pipeline: only the refused record's event is retried
    try (EventLog log = EventLog.embedded(dir);
        Webhooks webhooks = Webhooks.open(log.connectionSource(), Clock.systemUTC())) {
      for (long id : ids) {
        log.append(
            List.of(
                new EventLog.NewEvent(
                    "memory",
                    "w" + id,
                    "crm.lead",
                    id,
                    "write",
                    new ChangePayload(
                            "write",
                            List.of("name"),
                            Map.of(),
                            Map.of(),
                            2,
                            null,
                            "push",
                            id,
                            List.of(),
                            0,
                            Map.of(),
                            null)
                        .toJson())),
            Clock.systemUTC().instant());
      }
      receiver.resetRequests();
      Processor processor =
          new Processor(
              log,
              db -> odoo,
              () -> List.of(rule),
              new Processor.Settings(5, new RetryPolicy(2, Duration.ZERO, Duration.ZERO)),
              Clock.systemUTC(),
              null);
      processor.withWebhookAttempts(webhooks::recordAttempt);
      processor.process(log.claim(10, Clock.systemUTC().instant()));
      processor.process(log.claim(10, Clock.systemUTC().instant()));
      assertThat(log.deadLetters()).extracting(EventLog.Event::recordId).containsExactly(refused);
      receiver.verify(
          1,
          postRequestedFor(urlEqualTo("/hook"))
              .withRequestBody(matchingJsonPath("$._id", equalTo(String.valueOf(ids.get(0))))));
      receiver.verify(
          2,
          postRequestedFor(urlEqualTo("/hook"))
              .withRequestBody(matchingJsonPath("$._id", equalTo(String.valueOf(refused)))));
      assertThat(webhooks.attempts(10))
          .extracting(a -> a.recordId() + "#" + a.attempt() + ":" + a.status())
          .containsExactlyInAnyOrder(
              ids.get(0) + "#1:200", refused + "#1:422", refused + "#1:422", ids.get(2) + "#1:200");
    }
  }
}
