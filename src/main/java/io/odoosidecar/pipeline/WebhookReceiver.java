package io.odoosidecar.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.domain.DomainException;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import io.odoosidecar.store.EventLog;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code on_webhook} trigger: {@code /web/hook/<uuid>} per rule, as Odoo serves it. The rule's
 * {@code record_getter} finds the records from the request's payload (its JSON body, or its query
 * parameters), and an event per record is stored; the rule's actions then run like any firing.
 *
 * <p>A rule's uuid is its {@code webhook_uuid} (as imported from Odoo), or one derived from its
 * name. Answers: 200 {@code {"status": "ok", "records": [...]}} once stored; 404 for an unknown
 * uuid; 400 with the reason when the body is not JSON or the getter fails; 422 when it finds no
 * record; 503 when Odoo cannot be reached (try again later); 413 over the size limit.
 */
public final class WebhookReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<? extends Collection<Rule>> rules;
  private final String database;
  private final OdooClient client;
  private final EventLog log;
  private final Runnable wake;
  private final Clock clock;
  private final int maxBody;
  private final ExternalIds refs;

  public WebhookReceiver(
      Supplier<? extends Collection<Rule>> rules,
      String database,
      OdooClient client,
      EventLog log,
      Runnable wake,
      Clock clock,
      int maxBody) {
    this.rules = rules;
    this.database = database;
    this.client = client;
    this.log = log;
    this.wake = wake;
    this.clock = clock;
    this.maxBody = maxBody;
    this.refs = new ExternalIds(client);
  }

  /** A webhook rule's uuid: its {@code webhook_uuid}, or one derived from its name. */
  public static String uuid(Rule rule) {
    Object given = rule.parameters().get("webhook_uuid");
    if (given instanceof String text && !text.isBlank()) {
      return text.trim();
    }
    return UUID.nameUUIDFromBytes(
            ("odoo-sidecar webhook " + rule.name()).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** The handler, mounted on the prefix {@code /web/hook/}. */
  public HttpHandler handler() {
    return exchange -> {
      if (exchange.isInIoThread()) {
        exchange.dispatch(handler());
        return;
      }
      exchange.startBlocking();
      Map<String, Object> answer = new LinkedHashMap<>();
      int status;
      try {
        status = handle(exchange, answer);
      } catch (Refusal refusal) {
        status = refusal.status;
        answer.put("status", "error");
        answer.put("reason", refusal.getMessage());
      }
      exchange.setStatusCode(status);
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
      exchange.getResponseSender().send(JSON.writeValueAsString(answer));
    };
  }

  /** A request refused with a status and a reason. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Refusal(int status, String reason) {
      super(reason);
      this.status = status;
    }
  }

  private int handle(HttpServerExchange exchange, Map<String, Object> answer)
      throws Refusal, IOException {
    if (!exchange.getRequestMethod().equals(Methods.POST)
        && !exchange.getRequestMethod().equals(Methods.GET)) {
      throw new Refusal(405, "use GET or POST");
    }
    String uuid = exchange.getRelativePath().replaceAll("^/+", "").replaceAll("/+$", "");
    Rule rule = null;
    for (Rule candidate : rules.get()) {
      if (candidate.active()
          && candidate.trigger() == Trigger.ON_WEBHOOK
          && uuid(candidate).equals(uuid)) {
        rule = candidate;
      }
    }
    if (rule == null) {
      throw new Refusal(404, "no webhook rule has the uuid " + uuid);
    }
    Map<String, Object> payload = payload(exchange);
    RecordGetter.Records records;
    try {
      Object getter = rule.parameters().get("record_getter");
      records =
          new RecordGetter(client)
              .evaluate(getter instanceof String g ? g : null, rule.model(), payload, context());
    } catch (DomainException | IllegalArgumentException | ClassCastException e) {
      throw new Refusal(400, "record_getter failed: " + e.getMessage());
    } catch (OdooException e) {
      if (e.retriable()) {
        throw new Refusal(503, "Odoo cannot be reached, try again later: " + e.getMessage());
      }
      throw new Refusal(400, "record_getter failed: " + e.getMessage());
    }
    if (records.ids().isEmpty()) {
      throw new Refusal(422, "No record to run the automation on was found.");
    }
    if (!records.model().equals(rule.model())) {
      throw new Refusal(
          400,
          "record_getter gave " + records.model() + " records; the rule runs on " + rule.model());
    }
    String call = UUID.randomUUID().toString();
    List<EventLog.NewEvent> events = new ArrayList<>();
    for (Long id : records.ids()) {
      ChangePayload event =
          new ChangePayload(
              "webhook",
              List.of(),
              Map.of(),
              Map.of(),
              0,
              null,
              "webhook",
              0,
              List.of(),
              0,
              Map.of(),
              rule.name());
      events.add(
          new EventLog.NewEvent(
              database, "webhook:" + call + ":" + id, rule.model(), id, "webhook", event.toJson()));
    }
    try {
      log.append(events, clock.instant());
    } catch (io.odoosidecar.store.StoreUnavailableException e) {
      throw new Refusal(503, "the event log is unavailable, try again later: " + e.getMessage());
    }
    wake.run();
    LOG.info("webhook {} ('{}'): {} records", uuid, rule.name(), records.ids().size());
    answer.put("status", "ok");
    answer.put("records", records.ids());
    return 200;
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> payload(HttpServerExchange exchange) throws Refusal, IOException {
    byte[] body = read(exchange);
    String type = String.valueOf(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE));
    if (body.length > 0 && (type.contains("json") || body[0] == '{')) {
      try {
        Object parsed = JSON.readValue(body, Object.class);
        if (parsed instanceof Map<?, ?> map) {
          return (Map<String, Object>) map;
        }
        throw new Refusal(400, "the JSON body must be an object");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new Refusal(400, "the body is not JSON: " + e.getOriginalMessage());
      }
    }
    Map<String, Object> params = new LinkedHashMap<>();
    for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
      params.put(e.getKey(), e.getValue().getFirst());
    }
    return params;
  }

  private byte[] read(HttpServerExchange exchange) throws Refusal, IOException {
    if (exchange.getRequestContentLength() > maxBody) {
      throw new Refusal(413, "body larger than the limit of " + maxBody + " bytes");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = exchange.getInputStream()) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        if (out.size() + n > maxBody) {
          throw new Refusal(413, "body larger than the limit of " + maxBody + " bytes");
        }
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  private DomainExpression.Context context() {
    long uid = client.authenticate();
    return DomainExpression.Context.of(
        uid, clock.instant(), xmlId -> refs.resolve(xmlId).orElse(null));
  }
}
