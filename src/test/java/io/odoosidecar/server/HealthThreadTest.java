package io.odoosidecar.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The health answers are built on worker threads: building them may wait on the event log, and an
 * IO thread that waits would stop collecting the bodies of pushes and firing their deadlines.
 */
class HealthThreadTest {
  private final AtomicReference<String> statusThread = new AtomicReference<>();
  private final AtomicReference<String> readinessThread = new AtomicReference<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void healthAndReady_areBuiltOffTheIoThreads() throws Exception {
    server =
        new HttpServer(
            "127.0.0.1",
            0,
            () -> {
              statusThread.set(Thread.currentThread().getName());
              return new Status("running", true, Map.of(), Map.of(), Map.of());
            },
            () -> {
              readinessThread.set(Thread.currentThread().getName());
              return HttpServer.Readiness.READY;
            },
            Map.of(),
            HttpServer.Timeouts.DEFAULT);
    server.start();

    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(get("/health/ready").statusCode()).isEqualTo(200);

    assertThat(statusThread.get()).isNotNull().doesNotContain("I/O");
    assertThat(readinessThread.get()).isNotNull().doesNotContain("I/O");
  }

  @Test
  void live_answersWhileNotReady() throws Exception {
    server =
        new HttpServer(
            "127.0.0.1",
            0,
            () -> new Status("starting", false, Map.of(), Map.of(), Map.of()),
            () -> new HttpServer.Readiness(false, "the event log is down"),
            Map.of(),
            HttpServer.Timeouts.DEFAULT);
    server.start();

    HttpResponse<String> live = get("/health/live");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("{\"status\":\"alive\"}");
    assertThat(get("/health/ready").statusCode()).isEqualTo(503);
    assertThat(
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/health/live"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .as("GET only")
        .isEqualTo(405);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
