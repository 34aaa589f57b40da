package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.RpcEndpoint;
import io.odoosidecar.server.TestServers;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.PushNonces;
import io.odoosidecar.store.Webhooks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that send half a body and stall, or trickle it a byte at a time: they hold no worker,
 * valid pushes still go through, and they are cut off at the read deadline.
 */
class SlowClientHostileTest {
  static final Duration DEADLINE = Duration.ofMillis(800);

  @TempDir Path dir;
  EventLog log;
  PushNonces nonces;
  Webhooks webhooks;
  HttpServer server;
  final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void start() {
    log = EventLog.embedded(dir);
    nonces = PushNonces.open(log.connectionSource());
    webhooks = Webhooks.open(log.connectionSource(), Clock.systemUTC());
    PushReceiver receiver =
        new PushReceiver(
            new PushReceiver.Settings(
                Secret.of(PushEndpointTest.SECRET),
                PushReceiver.Auth.SECRET,
                Duration.ofMinutes(5),
                100),
            log,
            nonces,
            java.util.Set.of("odoo"),
            () -> {},
            Clock.systemUTC(),
            () -> Map.of("models", Map.of()));
    RpcEndpoint endpoint = new RpcEndpoint(receiver, 1 << 20, DEADLINE);
    server =
        TestServers.started(
            Map.of(
                "/xmlrpc/2/common", endpoint.xmlrpc("common"),
                "/xmlrpc/2/object", endpoint.xmlrpc("object"),
                "/jsonrpc", endpoint.jsonrpc(),
                "/web/hook/",
                    new WebhookReceiver(
                            List::of,
                            "odoo",
                            null, // a stalled body never reaches Odoo
                            log,
                            webhooks,
                            () -> {},
                            Clock.systemUTC(),
                            1 << 20,
                            DEADLINE)
                        .handler()),
            new HttpServer.Timeouts(DEADLINE, Duration.ofSeconds(5)));
  }

  @AfterEach
  void stop() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    server.stop();
    nonces.close();
    webhooks.close();
    log.close();
  }

  /** A connection that sent its headers, announcing 1000 bytes, and {@code sent} of them. */
  Socket halfSent(String path, int sent) throws IOException {
    Socket socket = new Socket("127.0.0.1", server.port());
    sockets.add(socket);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                + "Content-Length: 1000\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write("<methodCall>".repeat(sent / 12).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  /** Whether the server ended the exchange (answered or closed) within {@code wait}. */
  static boolean ended(Socket socket, Duration wait) throws IOException {
    socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
    try {
      InputStream in = socket.getInputStream();
      in.read(); // data (a 408) or the end of the stream
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset
    }
  }

  static String firstLine(Socket socket) throws IOException {
    socket.setSoTimeout(3000);
    byte[] head = new byte[12];
    int n = socket.getInputStream().readNBytes(head, 0, head.length);
    return new String(head, 0, n, StandardCharsets.US_ASCII);
  }

  @Test
  void push_whileMoreConnectionsThanWorkersStallMidBody_succeedsQuickly() throws Exception {
    for (int i = 0; i < 40; i++) {
      halfSent(i % 2 == 0 ? "/xmlrpc/2/object" : "/jsonrpc", 500);
    }
    assertPushGoesThrough();
  }

  @Test
  void push_whileMoreWebhookCallsThanWorkersStallMidBody_succeedsQuickly() throws Exception {
    for (int i = 0; i < 40; i++) {
      halfSent("/web/hook/" + UUID.randomUUID(), 500);
    }
    assertPushGoesThrough();
  }

  @Test
  void stalledWebhookBodies_areAnswered408AtTheDeadline() throws Exception {
    Socket socket = halfSent("/web/hook/" + UUID.randomUUID(), 500);
    long started = System.nanoTime();
    assertThat(firstLine(socket)).isEqualTo("HTTP/1.1 408");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).isBetween(DEADLINE.dividedBy(2), DEADLINE.plusSeconds(2));
  }

  private void assertPushGoesThrough() throws Exception {
    OdooClient client =
        OdooClients.create(
            OdooSettings.of(
                    "sidecar",
                    URI.create("http://127.0.0.1:" + server.port()),
                    "odoo",
                    "addon",
                    Secret.of(PushEndpointTest.SECRET),
                    null)
                .withTransport(TransportKind.XMLRPC)
                .withRetry(RetryPolicy.NONE)
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5)));

    long started = System.nanoTime();
    Object answer =
        client.executeKw(
            "sidecar.event",
            "push",
            List.of(
                PushEndpointTest.batch(
                    UUID.randomUUID().toString(),
                    PushEndpointTest.now(),
                    List.of(PushEndpointTest.write(1, List.of(5L))))),
            Map.of());
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(answer).asString().contains("accepted=1");
    assertThat(took).isLessThan(Duration.ofSeconds(3));
    assertThat(log.counts()).containsOnly(Map.entry("pending", 1L));
  }

  @Test
  void stalledBodies_areAnswered408AndClosedAtTheDeadline() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      stalled.add(halfSent("/jsonrpc", 500));
    }
    long started = System.nanoTime();

    assertThat(ended(stalled.get(0), DEADLINE.dividedBy(2))).isFalse();
    for (Socket socket : stalled) {
      assertThat(firstLine(socket)).isEqualTo("HTTP/1.1 408");
      assertThat(socket.getInputStream().readAllBytes()).isNotNull(); // then end of stream
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    assertThat(took).isBetween(DEADLINE.dividedBy(2), DEADLINE.plusSeconds(2));
  }

  @Test
  void bodyTrickledOneByteAtATime_endsAtTheDeadline() throws Exception {
    Socket socket = halfSent("/xmlrpc/2/object", 0);
    OutputStream out = socket.getOutputStream();
    long started = System.nanoTime();
    boolean ended = false;
    for (int i = 0; i < 100 && !ended; i++) { // 1000 bytes would take 5 s
      try {
        out.write('x');
        out.flush();
      } catch (IOException closed) {
        ended = true;
        break;
      }
      ended = ended(socket, Duration.ofMillis(50));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(ended).isTrue();
    assertThat(took).isBetween(DEADLINE.dividedBy(2), DEADLINE.plusSeconds(2));
  }
}
