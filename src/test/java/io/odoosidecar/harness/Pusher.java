package io.odoosidecar.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Delivers change events to the sidecars as the addon does: {@code execute_kw(db, uid, secret,
 * 'sidecar.event', 'push', [batch])} with a fresh nonce and {@code sent_at}, to the first sidecar
 * that answers, trying the next one on a refused connection, a time-out or a 503, and again until
 * one stores the batch (a batch sent again is harmless: its events are duplicates). A 4xx is a
 * refusal of the batch itself and fails at once.
 */
public final class Pusher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<List<String>> urls;
  private final String database;
  private final String secret;
  private final Duration giveUp;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLong retries = new AtomicLong();

  /**
   * @param urls the sidecars' base URLs, asked at each try (the set may change)
   * @param giveUp how long one batch is tried before the harness fails
   */
  public Pusher(Supplier<List<String>> urls, String database, String secret, Duration giveUp) {
    this.urls = urls;
    this.database = database;
    this.secret = secret;
    this.giveUp = giveUp;
  }

  /** How many tries failed over to another sidecar or waited. */
  public long retries() {
    return retries.get();
  }

  /**
   * Pushes one batch until a sidecar stores it.
   *
   * @return the answer ({@code accepted}, {@code duplicates}, {@code last_outbox_id})
   */
  public Map<String, Object> push(List<Map<String, Object>> events) {
    Instant deadline = Instant.now().plus(giveUp);
    String lastError = "";
    while (Instant.now().isBefore(deadline)) {
      List<String> candidates = urls.get();
      String url = candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
      try {
        HttpResponse<String> response = send(url, events);
        if (response.statusCode() == 200) {
          Map<?, ?> answer = JSON.readValue(response.body(), Map.class);
          if (answer.get("result") instanceof Map<?, ?> result) {
            @SuppressWarnings("unchecked")
            Map<String, Object> out = (Map<String, Object>) result;
            return out;
          }
          throw new IllegalStateException("push answered with no result: " + response.body());
        }
        if (response.statusCode() != 503) {
          throw new IllegalStateException(
              "push refused by " + url + ": " + response.statusCode() + " " + response.body());
        }
        lastError = url + " answered 503";
      } catch (IOException e) {
        lastError = url + ": " + e;
      }
      retries.incrementAndGet();
      SidecarProcess.sleep(Duration.ofMillis(candidates.size() > 1 ? 20 : 200));
    }
    throw new IllegalStateException("no sidecar stored a push within " + giveUp + ": " + lastError);
  }

  private HttpResponse<String> send(String url, List<Map<String, Object>> events)
      throws IOException {
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("nonce", UUID.randomUUID().toString());
    batch.put("sent_at", System.currentTimeMillis() / 1000.0);
    batch.put("events", events);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("service", "object");
    params.put("method", "execute_kw");
    params.put("args", List.of(database, 1, secret, "sidecar.event", "push", List.of(batch)));
    Map<String, Object> call = new LinkedHashMap<>();
    call.put("jsonrpc", "2.0");
    call.put("method", "call");
    call.put("id", 1);
    call.put("params", params);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/jsonrpc"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(call)))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * The event the addon sends for a write of {@code field} on one record.
   *
   * @param outbox the outbox row's id (with the record, the event's dedupe key)
   * @param old the field's value before the write
   */
  public static Map<String, Object> write(
      long outbox, String model, long id, String field, Object old, String writeDate) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", outbox);
    event.put("model", model);
    event.put("op", "write");
    event.put("ids", List.of(id));
    event.put("fields", List.of(field));
    event.put("old", Map.of(Long.toString(id), Map.of(field, old)));
    event.put("write_date", Map.of(Long.toString(id), writeDate));
    event.put("uid", 2);
    event.put("at", writeDate);
    event.put("context", Map.of("chain", List.of(), "depth", 0));
    return event;
  }
}
