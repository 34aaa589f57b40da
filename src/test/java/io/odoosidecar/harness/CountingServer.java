package io.odoosidecar.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The external endpoint the rules call: it records each request's {@code Idempotency-Key} header
 * and the record id of its body ({@code _id}, as the webhook action sends it), with its arrival
 * time, and answers 200. It can be made to refuse for a while, with 503 or by not listening at all
 * (connection refused), and shows its counts at {@code GET /counts}.
 *
 * <p>Run on its own: {@code CountingServer [--port P]}; {@code POST
 * /control/down?seconds=S&mode=503} refuses for S seconds (mode {@code refuse}: connection refused,
 * which also takes the control path away until it is back); the counts are printed at exit.
 */
public final class CountingServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the server refuses while it is down. */
  public enum Mode {
    /** It answers 503 to every request. */
    UNAVAILABLE,
    /** It does not listen: connections are refused. */
    REFUSED
  }

  /** One request received and answered 2xx. */
  public record Hit(String key, long recordId, Instant at) {}

  private final int wantedPort;
  private final Clock clock;
  private final ExecutorService executor = Executors.newFixedThreadPool(32);
  private final List<Hit> hits = new CopyOnWriteArrayList<>();
  private final Map<Long, List<Hit>> byRecord = new ConcurrentHashMap<>();
  private final AtomicLong refused = new AtomicLong();
  private volatile Instant downUntil = Instant.MIN;
  private HttpServer server;
  private int port;

  /** A server on {@code port} (0: a free one), not yet started. */
  public CountingServer(int port) {
    this(port, Clock.systemUTC());
  }

  CountingServer(int port, Clock clock) {
    this.wantedPort = port;
    this.clock = clock;
  }

  public synchronized CountingServer start() {
    listen(wantedPort);
    return this;
  }

  private void listen(int on) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", on), 128);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + on, e);
    }
    server.setExecutor(executor);
    server.createContext("/counts", this::counts);
    server.createContext("/control/down", this::control);
    server.createContext("/", this::receive);
    server.start();
    port = server.getAddress().getPort();
  }

  public synchronized int port() {
    return port;
  }

  /** The URL of a path on this server. */
  public String url(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /**
   * Refuses every request for {@code period}, then takes them again; {@link Mode#REFUSED} closes
   * the listening socket and listens again on the same port once the period is over.
   */
  public void down(Duration period, Mode mode) {
    if (mode == Mode.UNAVAILABLE) {
      downUntil = clock.instant().plus(period);
      return;
    }
    int on;
    synchronized (this) {
      on = port;
      server.stop(0);
    }
    Thread back =
        new Thread(
            () -> {
              try {
                Thread.sleep(period.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              synchronized (this) {
                listen(on);
              }
            },
            "counting-server-back");
    back.setDaemon(true);
    back.start();
  }

  private void receive(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = readAll(exchange.getRequestBody());
      if (clock.instant().isBefore(downUntil)) {
        refused.incrementAndGet();
        answer(exchange, 503, "{\"error\":\"down\"}");
        return;
      }
      String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
      Hit hit = new Hit(key == null ? "" : key, recordId(body), clock.instant());
      hits.add(hit);
      byRecord.computeIfAbsent(hit.recordId(), id -> new CopyOnWriteArrayList<>()).add(hit);
      answer(exchange, 200, "{}");
    }
  }

  private static long recordId(byte[] body) {
    try {
      Object id = JSON.readValue(body, Map.class).get("_id");
      return id instanceof Number n ? n.longValue() : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private void control(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> query = new LinkedHashMap<>();
      String raw = exchange.getRequestURI().getQuery();
      for (String pair : raw == null ? new String[0] : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
      Duration period = Duration.ofSeconds(Long.parseLong(query.getOrDefault("seconds", "60")));
      Mode mode = "refuse".equals(query.get("mode")) ? Mode.REFUSED : Mode.UNAVAILABLE;
      answer(exchange, 200, "{\"down_seconds\":" + period.toSeconds() + "}");
      exchange.close();
      down(period, mode);
    }
  }

  private void counts(HttpExchange exchange) throws IOException {
    try (exchange) {
      answer(exchange, 200, JSON.writeValueAsString(summary()));
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  /** Every request answered 2xx, in arrival order. */
  public List<Hit> hits() {
    return new ArrayList<>(hits);
  }

  /** The requests answered 2xx, by record id. */
  public Map<Long, List<Hit>> byRecord() {
    Map<Long, List<Hit>> out = new TreeMap<>();
    byRecord.forEach((id, list) -> out.put(id, new ArrayList<>(list)));
    return out;
  }

  /** How many requests were refused with 503. */
  public long refused() {
    return refused.get();
  }

  /** Requests, distinct keys, records, and requests refused. */
  public Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("requests", hits.size());
    out.put("distinct_keys", hits.stream().map(Hit::key).distinct().count());
    out.put("records", byRecord.size());
    out.put("refused_503", refused.get());
    return out;
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
    }
    executor.shutdownNow();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = Options.parse(args, "port");
    CountingServer server =
        new CountingServer(Integer.parseInt(options.getOrDefault("port", "0"))).start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    System.out.println(JSON.writeValueAsString(server.summary()));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  server.close();
                }));
    System.out.println("CountingServer at " + server.url("/"));
    Thread.currentThread().join();
  }
}
