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
import io.odoosidecar.store.Webhooks;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
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
 * <p>A hook's uuid is a capability: whoever knows it can fire the rule. It is the rule's {@code
 * webhook_uuid} (as imported from Odoo, or given in the rule file), or a random one (122 random
 * bits, {@link UUID#randomUUID}) made the first time the rule is seen and kept in {@link Webhooks}
 * by the rule's identity (database, model, name), so that it survives restarts; it is logged once,
 * at INFO, when made.
 *
 * <p>A caller may send an {@code Idempotency-Key} header (1 to 255 printable ASCII characters): a
 * repeated call of the same rule with the same key stores nothing and gets the first call's answer.
 *
 * <p>Answers: 200 {@code {"status": "ok", "records": [...]}} once stored; 404 for an unknown uuid;
 * 400 with the reason when the body is not JSON, the getter fails or the idempotency key is
 * malformed; 422 when it finds no record; 503 when Odoo or the event log cannot be reached (try
 * again later); 413 over the size limit.
 */
public final class WebhookReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookReceiver.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<? extends Collection<Rule>> rules;
  private final String database;
  private final java.util.function.Function<String, OdooClient> clients;
  private final EventLog log;
  private final Webhooks webhooks;
  private final Runnable wake;
  private final Clock clock;
  private final int maxBody;
  private final io.odoosidecar.server.BodyCollector bodies;
  private final Map<OdooClient, ExternalIds> refs = new java.util.concurrent.ConcurrentHashMap<>();

  /** The uuids of rules without their own {@code webhook_uuid}, by rule identity. */
  private final Map<String, String> uuids = new java.util.concurrent.ConcurrentHashMap<>();

  private volatile PipelineListener listener = PipelineListener.NONE;

  /** Tells {@code listener} of the events each call stored. */
  public WebhookReceiver withListener(PipelineListener listener) {
    this.listener = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  private void tellWebhook(String home, String model, int count) {
    try {
      listener.received("webhook", home, model, "webhook", count, null, clock.instant());
    } catch (RuntimeException e) {
      LOG.warn("the pipeline's listener failed: {}", e.getMessage());
    }
  }

  public WebhookReceiver(
      Supplier<? extends Collection<Rule>> rules,
      String database,
      OdooClient client,
      EventLog log,
      Webhooks webhooks,
      Runnable wake,
      Clock clock,
      int maxBody) {
    this(
        rules, database, db -> client, log, webhooks, wake, clock, maxBody, Duration.ofSeconds(10));
  }

  /**
   * @param database the main connection's database: a rule's home unless it names its own
   * @param clients the client of each database served (null for one not connected)
   * @param log where the calls' events are stored
   * @param webhooks the rules' uuids and the answers of calls with an idempotency key
   * @param readTimeout how long a request's whole body may take to arrive (else 408)
   */
  public WebhookReceiver(
      Supplier<? extends Collection<Rule>> rules,
      String database,
      java.util.function.Function<String, OdooClient> clients,
      EventLog log,
      Webhooks webhooks,
      Runnable wake,
      Clock clock,
      int maxBody,
      Duration readTimeout) {
    this.rules = rules;
    this.database = database;
    this.clients = clients;
    this.log = log;
    this.webhooks = webhooks;
    this.wake = wake;
    this.clock = clock;
    this.maxBody = maxBody;
    this.bodies = new io.odoosidecar.server.BodyCollector(maxBody, readTimeout);
  }

  /**
   * A webhook rule's uuid: its {@code webhook_uuid}, or the random one kept for it in the store
   * (made and logged now if it has none yet).
   */
  public String uuid(Rule rule) {
    Object given = rule.parameters().get("webhook_uuid");
    if (given instanceof String text && !text.isBlank()) {
      return text.trim();
    }
    String key = key(rule);
    String known = uuids.get(key);
    if (known != null) {
      return known;
    }
    Webhooks.Uuid kept = webhooks.uuid(key, () -> UUID.randomUUID().toString(), clock.instant());
    if (kept.made()) {
      LOG.info("webhook rule '{}' is served at /web/hook/{}", rule.name(), kept.uuid());
    }
    uuids.put(key, kept.uuid());
    return kept.uuid();
  }

  /**
   * Gives every active webhook rule its uuid now (so that a new rule's is logged when it loads, not
   * at its first call); returns how many webhook rules there are.
   */
  public int assign(Collection<Rule> all) {
    int count = 0;
    for (Rule rule : all) {
      if (rule.active() && rule.trigger() == Trigger.ON_WEBHOOK) {
        uuid(rule);
        count++;
      }
    }
    return count;
  }

  /** The database a rule serves: its own (a rule imported from that Odoo), or the main one. */
  private String home(Rule rule) {
    Object db = rule.parameters().get("database");
    return db instanceof String d ? d : database;
  }

  /** A rule's identity for its uuid and its idempotency keys: database, model and name. */
  private String key(Rule rule) {
    return home(rule) + "\u0000" + rule.model() + "\u0000" + rule.name();
  }

  /** The handler, mounted on the prefix {@code /web/hook/}. */
  public HttpHandler handler() {
    return exchange ->
        bodies.collect(
            exchange,
            this::answer,
            ex -> send(ex, 413, refusal("body larger than the limit of " + maxBody + " bytes")));
  }

  /** Answers a call whose body arrived whole, on a worker thread. */
  private void answer(HttpServerExchange exchange, byte[] body) {
    Map<String, Object> answer = new LinkedHashMap<>();
    int status;
    try {
      status = handle(exchange, body, answer);
    } catch (Refusal refusal) {
      status = refusal.status;
      answer = refusal(refusal.getMessage());
    } catch (io.odoosidecar.store.StoreUnavailableException e) {
      status = 503;
      answer = refusal("the event log is unavailable, try again later: " + e.getMessage());
    } catch (IOException e) {
      LOG.error("webhook call failed: {}", e.toString(), e);
      status = 500;
      answer = refusal("internal error");
    }
    send(exchange, status, answer);
  }

  private static Map<String, Object> refusal(String reason) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("status", "error");
    answer.put("reason", reason);
    return answer;
  }

  private static void send(HttpServerExchange exchange, int status, Map<String, Object> answer) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    try {
      exchange.getResponseSender().send(JSON.writeValueAsString(answer));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a webhook answer", e);
    }
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

  private int handle(HttpServerExchange exchange, byte[] body, Map<String, Object> answer)
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
    String idempotency = idempotencyKey(exchange);
    if (idempotency != null) {
      java.util.Optional<String> earlier = webhooks.answer(key(rule), idempotency);
      if (earlier.isPresent()) {
        return repeat(earlier.get(), answer);
      }
    }
    Map<String, Object> payload = payload(exchange, body);
    String home = home(rule);
    OdooClient client = clients.apply(home);
    if (client == null) {
      throw new Refusal(503, "Odoo database " + home + " is not connected, try again later");
    }
    RecordGetter.Records records;
    try {
      Object getter = rule.parameters().get("record_getter");
      records =
          new RecordGetter(client)
              .evaluate(
                  getter instanceof String g ? g : null, rule.model(), payload, context(client));
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
    String call =
        idempotency == null ? UUID.randomUUID().toString() : digest(key(rule), idempotency);
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
              home, "webhook:" + call + ":" + id, rule.model(), id, "webhook", event.toJson()));
    }
    answer.put("status", "ok");
    answer.put("records", records.ids());
    if (idempotency == null) {
      java.time.Instant now = clock.instant();
      Received.tell(listener, "webhook", log.appendEvents(events, now), e -> null, now);
    } else {
      java.util.Optional<String> earlier =
          webhooks.appendCall(
              log,
              events,
              key(rule),
              idempotency,
              JSON.writeValueAsString(answer),
              clock.instant());
      if (earlier.isPresent()) {
        answer.clear();
        return repeat(earlier.get(), answer); // the same key, sent twice at once
      }
      tellWebhook(home, rule.model(), events.size());
    }
    wake.run();
    LOG.info("webhook rule '{}': {} records", rule.name(), records.ids().size());
    return 200;
  }

  /** The answer of the first call with an idempotency key: 200, nothing stored again. */
  @SuppressWarnings("unchecked")
  private static int repeat(String earlier, Map<String, Object> answer) throws IOException {
    answer.putAll(JSON.readValue(earlier, Map.class));
    return 200;
  }

  /** The caller's {@code Idempotency-Key}, or null; refused when malformed. */
  private static String idempotencyKey(HttpServerExchange exchange) throws Refusal {
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    if (key == null) {
      return null;
    }
    if (key.isEmpty() || key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c < 0x7f)) {
      throw new Refusal(400, "Idempotency-Key: must be 1 to 255 printable ASCII characters");
    }
    return key;
  }

  private static String digest(String ruleKey, String idempotency) {
    try {
      byte[] hash =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest((ruleKey + "\u0000" + idempotency).getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(hash, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> payload(HttpServerExchange exchange, byte[] body) throws Refusal {
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
      } catch (IOException e) {
        throw new Refusal(400, "the body is not JSON: " + e.getMessage());
      }
    }
    Map<String, Object> params = new LinkedHashMap<>();
    for (Map.Entry<String, Deque<String>> e : exchange.getQueryParameters().entrySet()) {
      params.put(e.getKey(), e.getValue().getFirst());
    }
    return params;
  }

  private DomainExpression.Context context(OdooClient client) {
    long uid = client.authenticate();
    ExternalIds ids = refs.computeIfAbsent(client, ExternalIds::new);
    return DomainExpression.Context.of(
        uid, clock.instant(), xmlId -> ids.resolve(xmlId).orElse(null));
  }
}
