package io.odoosidecar.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.server.RpcEndpoint;
import io.undertow.Undertow;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An Odoo a sidecar process connects to over HTTP: XML-RPC ({@code /xmlrpc/2/common}, {@code
 * /xmlrpc/2/object}) and JSON-RPC ({@code /jsonrpc}) served by the sidecar's own {@link
 * RpcEndpoint} over a {@link MemoryOdoo}, each call answered after a fixed latency, many at once,
 * every call counted ({@code GET /harness/counts}). It holds {@code crm.lead} records (a name, a
 * description the harness changes, a priority and {@code x_seen}, which rules write back) and the
 * external ids of the message subtypes.
 *
 * <p>Run on its own: {@code HttpOdoo [--port P] [--latency-ms 20] [--records N] [--database D]
 * [--password P]}; it prints its URL and, at exit, its counts.
 */
public final class HttpOdoo implements AutoCloseable {
  /** The model the harness changes and the rules act on. */
  public static final String MODEL = "crm.lead";

  /** The first id of the harness's records. */
  public static final long FIRST_ID = 1_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MemoryOdoo memory;
  private final DoubleService service;
  private final PathHandler paths;
  private final String database;
  private Undertow undertow;
  private int port;

  /**
   * @param records how many {@code crm.lead} records to hold, ids from {@link #FIRST_ID}
   * @param latency how long each call takes to be answered
   * @param port the port to listen on (0: any free one)
   */
  public HttpOdoo(String database, String password, int records, Duration latency, int port) {
    this.database = database;
    this.memory = MemoryOdoo.empty();
    define(memory, records);
    this.service = new DoubleService(memory, database, password, latency, Clock.systemUTC());
    RpcEndpoint endpoint = new RpcEndpoint(service, 64 << 20, Duration.ofSeconds(30));
    PathHandler paths =
        new PathHandler()
            .addExactPath("/xmlrpc/2/common", endpoint.xmlrpc("common"))
            .addExactPath("/xmlrpc/2/object", endpoint.xmlrpc("object"))
            .addExactPath("/jsonrpc", endpoint.jsonrpc())
            .addExactPath(
                "/harness/counts",
                exchange -> {
                  exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                  exchange.getResponseSender().send(JSON.writeValueAsString(counts()));
                });
    this.paths = paths;
    this.port = port;
  }

  private static void define(MemoryOdoo memory, int records) {
    memory.define(
        MODEL,
        Map.of(
            "name", "char",
            "description", "char",
            "priority", "selection",
            "x_seen", "integer",
            "write_date", "datetime",
            "create_date", "datetime"));
    for (long id = FIRST_ID; id < FIRST_ID + records; id++) {
      Map<String, Object> lead = new LinkedHashMap<>();
      lead.put("name", "harness lead " + id);
      lead.put("description", "");
      lead.put("priority", "0");
      lead.put("x_seen", 0);
      lead.put("write_date", "2026-01-01 00:00:00");
      lead.put("create_date", "2026-01-01 00:00:00");
      memory.put(MODEL, id, lead);
    }
    memory.define(
        "ir.model.data",
        Map.of("module", "char", "name", "char", "model", "char", "res_id", "integer"),
        List.of(
            Map.of(
                "id",
                1L,
                "module",
                "mail",
                "name",
                "mt_comment",
                "model",
                "mail.message.subtype",
                "res_id",
                1L),
            Map.of(
                "id",
                2L,
                "module",
                "mail",
                "name",
                "mt_note",
                "model",
                "mail.message.subtype",
                "res_id",
                2L)));
  }

  /** Starts listening. */
  public synchronized HttpOdoo start() {
    undertow =
        Undertow.builder()
            .addHttpListener(port, "127.0.0.1")
            .setWorkerThreads(64)
            .setHandler(paths)
            .build();
    undertow.start();
    port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    return this;
  }

  /**
   * Stops answering for {@code down}, as an Odoo restarting: connections are refused, the records
   * kept; then listens again on the same port.
   */
  public void restart(Duration down) throws InterruptedException {
    synchronized (this) {
      undertow.stop();
    }
    Thread.sleep(down.toMillis());
    start();
  }

  public synchronized int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public String database() {
    return database;
  }

  /** The records, as the harness changes them (the changes a user would make in Odoo). */
  public MemoryOdoo memory() {
    return memory;
  }

  /** Odoo's clock, as a change's {@code write_date}. */
  public String now() {
    return service.now();
  }

  public DoubleEffects effects() {
    return service.effects();
  }

  /** The calls answered, by {@code model.method}. */
  public Map<String, Long> calls() {
    return service.calls();
  }

  /** The calls, the records written and the messages posted, as {@code /harness/counts} shows. */
  public Map<String, Object> counts() {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, Long> calls = calls();
    out.put("calls", calls.values().stream().mapToLong(Long::longValue).sum());
    out.put("by_method", calls);
    out.put("records_written", effects().recordsWritten(MODEL));
    out.put("messages", effects().messages().values().stream().mapToInt(List::size).sum());
    return out;
  }

  @Override
  public synchronized void close() {
    if (undertow != null) {
      undertow.stop();
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options =
        Options.parse(args, "port", "latency-ms", "records", "database", "password");
    HttpOdoo odoo =
        new HttpOdoo(
                options.getOrDefault("database", "odoo"),
                options.getOrDefault("password", "admin"),
                Integer.parseInt(options.getOrDefault("records", "10000")),
                Duration.ofMillis(Long.parseLong(options.getOrDefault("latency-ms", "20"))),
                Integer.parseInt(options.getOrDefault("port", "8069")))
            .start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    System.out.println(JSON.writeValueAsString(odoo.counts()));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  odoo.close();
                }));
    System.out.println("HttpOdoo at " + odoo.url() + ", database " + odoo.database());
    Thread.currentThread().join();
  }
}
