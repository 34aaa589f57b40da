package io.odoosidecar.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.server.HttpServer;
import io.odoosidecar.server.TestServers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stands, for one hostile test, where the test's own endpoint was: every call it makes is sent on
 * to a running cluster instance (another one when an instance was just killed; again while one
 * answers 503), and the instance's status and body handed back. The test's calls name its database
 * ({@code odoo}) and secret: they are replaced by the cluster's. Its pushes reuse outbox ids 1 to 3
 * in every test, each on a fresh log of its own; on the cluster's one log they are moved into a
 * range of this test's, above any outbox id the addon gives, so that a push one test had stored is
 * not a duplicate in the next. The events the instances accepted are counted.
 */
final class HostileProxy implements SuiteRunner.Stand {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JSON_OUTBOX = Pattern.compile("\\{\"id\":(\\d{1,4}),\"model\":");
  private static final Pattern XML_OUTBOX =
      Pattern.compile("<member><name>id</name><value><int>(\\d{1,4})</int>");

  private final Supplier<List<String>> instances;
  private final String database;
  private final String secret;
  private final String testSecret;
  private final long outboxBase;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong ambiguous = new AtomicLong();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param instances the running instances' base URLs
   * @param testSecret the secret the suites push with
   * @param outboxBase added to the test's outbox ids
   */
  HostileProxy(
      Supplier<List<String>> instances,
      String database,
      String secret,
      String testSecret,
      long outboxBase) {
    this.instances = instances;
    this.database = database;
    this.secret = secret;
    this.testSecret = testSecret;
    this.outboxBase = outboxBase;
  }

  private HttpServer server;
  private volatile boolean unanswered;

  /** Starts a server of the RPC paths, forwarding. */
  HostileProxy start() {
    server =
        TestServers.started(
            Map.of(
                "/jsonrpc", handler("/jsonrpc"),
                "/xmlrpc/2/object", handler("/xmlrpc/2/object"),
                "/xmlrpc/2/common", handler("/xmlrpc/2/common")));
    return this;
  }

  @Override
  public HttpServer server() {
    return server;
  }

  @Override
  public boolean unanswered() {
    return unanswered;
  }

  /** Calls that went unanswered after they may have been received (an instance killed). */
  long ambiguous() {
    return ambiguous.get();
  }

  /** The events the instances said they stored. */
  long accepted() {
    return accepted.get();
  }

  private HttpHandler handler(String path) {
    return exchange ->
        exchange
            .getRequestReceiver()
            .receiveFullBytes((ex, body) -> ex.dispatch(() -> forward(ex, path, body)));
  }

  private void forward(HttpServerExchange exchange, String path, byte[] body) {
    byte[] sent = rewrite(body, path.equals("/jsonrpc"));
    // within the suites' own 10 s time-out: an answer the test can still judge
    Instant deadline = Instant.now().plus(Duration.ofSeconds(8));
    HttpResponse<byte[]> response = null;
    try {
      while (response == null || response.statusCode() == 503 && Instant.now().isBefore(deadline)) {
        response = send(path, sent, deadline);
        if (response.statusCode() == 503) {
          SidecarProcess.sleep(Duration.ofMillis(500));
        }
      }
      if (response.statusCode() == 503) {
        unanswered = true; // the store away all along: nothing the test can judge
      }
    } catch (IllegalStateException e) {
      unanswered = true;
      exchange.setStatusCode(502);
      exchange.getResponseSender().send(String.valueOf(e.getMessage()));
      return;
    }
    count(response);
    exchange.setStatusCode(response.statusCode());
    exchange
        .getResponseHeaders()
        .put(
            Headers.CONTENT_TYPE,
            response.headers().firstValue("content-type").orElse("application/octet-stream"));
    exchange.getResponseSender().send(ByteBuffer.wrap(response.body()));
  }

  /** One try on each running instance in a random order, until one answers (or the deadline). */
  private HttpResponse<byte[]> send(String path, byte[] body, Instant deadline) {
    IOException last = null;
    while (Instant.now().isBefore(deadline)) {
      List<String> urls = new ArrayList<>(instances.get());
      Collections.shuffle(urls);
      for (String url : urls) {
        try {
          return http.send(
              HttpRequest.newBuilder(URI.create(url + path))
                  .timeout(Duration.ofSeconds(30))
                  .header("Content-Type", path.equals("/jsonrpc") ? "application/json" : "text/xml")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException e) {
          last = e; // not delivered: another instance may take it
        } catch (IOException e) {
          ambiguous.incrementAndGet(); // it may have been received: never sent again
          throw new IllegalStateException("an instance did not answer a hostile call: " + e, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      SidecarProcess.sleep(Duration.ofMillis(300));
    }
    throw new IllegalStateException("no instance answered a hostile call: " + last);
  }

  private void count(HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      return;
    }
    try {
      Map<?, ?> answer = JSON.readValue(response.body(), Map.class);
      if (answer.get("result") instanceof Map<?, ?> result
          && result.get("accepted") instanceof Number n) {
        accepted.addAndGet(n.longValue());
      }
    } catch (IOException e) {
      // an XML-RPC answer: the suites' XML pushes are all refusals
    }
  }

  /** The test's database, secret and outbox ids replaced by the cluster's. */
  byte[] rewrite(byte[] body, boolean json) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return body; // a suite's UTF-16 cases: sent as they came (they name no database)
    }
    if (json) {
      text =
          text.replace(
              "\"args\":[\"odoo\",1,\"" + testSecret + "\"",
              "\"args\":[\"" + database + "\",1,\"" + secret + "\"");
      text = shift(JSON_OUTBOX, text, "{\"id\":", ",\"model\":");
    } else {
      text = text.replaceFirst("<string>odoo</string>", "<string>" + database + "</string>");
      text = text.replace("<string>" + testSecret + "</string>", "<string>" + secret + "</string>");
      text = shift(XML_OUTBOX, text, "<member><name>id</name><value><int>", "</int>");
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private String shift(Pattern pattern, String text, String before, String after) {
    Matcher m = pattern.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      long id = outboxBase + Long.parseLong(m.group(1));
      m.appendReplacement(out, Matcher.quoteReplacement(before + id + after));
    }
    m.appendTail(out);
    return out.toString();
  }
}
