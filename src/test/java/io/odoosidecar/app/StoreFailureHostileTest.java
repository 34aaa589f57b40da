package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.store.StoreRecovery;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running daemon whose event log breaks under it: pushes are answered 503 (retryable, so the
 * addon keeps its rows) and store nothing, readiness goes down, and the log comes back, or the
 * daemon exits for its supervisor to restart it.
 */
class StoreFailureHostileTest {
  private static final String SECRET = "store-failure-secret";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  Path dataDir;
  Daemon daemon;

  /**
   * Each reopen attempt of the log waits for a permit: the test decides when the log comes back.
   */
  final Semaphore reopen = new Semaphore(0);

  final List<Integer> exits = new CopyOnWriteArrayList<>();

  void start() throws Exception {
    dataDir = dir.resolve("data");
    Path yaml = dir.resolve("sidecar.yaml");
    Files.writeString(
        yaml,
        "server:\n  port: 0\ndata-dir: "
            + dataDir.toAbsolutePath()
            + "\npoll:\n  enabled: false\n");
    SidecarConfig config =
        SidecarConfig.load(
            yaml,
            Map.of(
                "ODOO_URL", "http://127.0.0.1:1",
                "ODOO_DB", "odoo",
                "ODOO_USER", "admin",
                "ODOO_PASSWORD", "pw",
                "SIDECAR_PUSH_SECRET", SECRET));
    RetryPolicy.Sleeper sleeper =
        wait -> {
          if (Thread.currentThread().getName().equals("event-log-recovery")) {
            reopen.acquire();
          } else {
            Thread.sleep(20); // the connection to the absent Odoo: do not spin
          }
        };
    // an Odoo that answers: readiness also needs one connection up
    daemon =
        new Daemon(
            config,
            Clock.systemUTC(),
            sleeper,
            null,
            exits::add,
            settings -> io.odoosidecar.pipeline.MemoryOdoo.empty());
    daemon.start();
  }

  @AfterEach
  void stop() {
    reopen.release(1000);
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void fileDeleted_pushesGet503AndStoreNothing_readinessDown_thenBackOnceReopened()
      throws Exception {
    start();
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/health/ready").statusCode() == 200);
    assertThat(push(1).statusCode()).isEqualTo(200);

    Files.delete(dataDir.resolve("events.mv.db"));

    HttpResponse<String> refused = push(2);
    assertThat(refused.statusCode()).isEqualTo(503);
    JsonNode error = JSON.readTree(refused.body()).path("error").path("data");
    assertThat(error.path("name").asText()).isEqualTo("werkzeug.exceptions.ServiceUnavailable");
    assertThat(error.path("message").asText()).contains("event log");
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(ready.body()).path("reason").asText()).contains("is gone");
    JsonNode store = JSON.readTree(get("/health").body()).path("events").path("store");
    assertThat(store.path("state").asText()).isEqualTo("down");
    assertThat(exits).isEmpty();

    reopen.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/health/ready").statusCode() == 200);
    assertThat(push(3).statusCode()).isEqualTo(200);
    assertThat(storedEvents())
        .as("the new file holds the push made once it was back, not the refused one")
        .isEqualTo(1);
    assertThat(exits).isEmpty();
  }

  @Test
  void databaseClosed_pushesGet503AndStoreNothing_thenAcceptedOnceReopened() throws Exception {
    start();
    assertThat(push(1).statusCode()).isEqualTo(200);
    String url =
        "jdbc:h2:file:"
            + dataDir.toAbsolutePath().resolve("events")
            + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    try (Connection other = DriverManager.getConnection(url);
        Statement s = other.createStatement()) {
      s.execute("SHUTDOWN");
    }

    assertThat(push(2).statusCode()).isEqualTo(503);
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    assertThat(get("/health").statusCode()).isEqualTo(503);

    reopen.release();
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/health/ready").statusCode() == 200);
    assertThat(push(3).statusCode()).isEqualTo(200);
    assertThat(storedEvents())
        .as("the first and the last push; the refused one is not")
        .isEqualTo(2);
  }

  @Test
  void storeBeyondRecovery_daemonExitsWithItsStatus() throws Exception {
    start();
    assertThat(push(1).statusCode()).isEqualTo(200);
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.writeString(dataDir, "not a directory: the log cannot be made again here");

    assertThat(push(2).statusCode()).isEqualTo(503);
    reopen.release(Daemon.STORE_REOPEN.maxAttempts());
    await().atMost(Duration.ofSeconds(20)).until(() -> !exits.isEmpty());
    assertThat(exits).containsExactly(StoreRecovery.EXIT_STATUS);
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
  }

  private long storedEvents() throws Exception {
    JsonNode byStatus = JSON.readTree(get("/health").body()).path("events").path("by_status");
    long total = 0;
    for (JsonNode count : byStatus) {
      total += count.asLong();
    }
    return total;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** A push of one event for record {@code outbox}, as the addon sends it over JSON-RPC. */
  private HttpResponse<String> push(long outbox) throws Exception {
    Map<String, Object> event =
        Map.of(
            "id",
            outbox,
            "model",
            "crm.lead",
            "op",
            "write",
            "ids",
            List.of(outbox),
            "fields",
            List.of("name"),
            "old",
            Map.of(),
            "uid",
            2,
            "at",
            "2026-11-23 10:00:00");
    Map<String, Object> batch =
        Map.of(
            "nonce",
            "nonce-" + outbox + "-" + System.nanoTime(),
            "sent_at",
            System.currentTimeMillis() / 1000.0,
            "events",
            List.of(event));
    Map<String, Object> call =
        Map.of(
            "jsonrpc",
            "2.0",
            "method",
            "call",
            "id",
            1,
            "params",
            Map.of(
                "service",
                "object",
                "method",
                "execute_kw",
                "args",
                List.of("odoo", 1, SECRET, "sidecar.event", "push", List.of(batch))));
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + "/jsonrpc"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(call)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
