package io.odoosidecar.app;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.pipeline.MemoryOdoo;
import io.odoosidecar.rule.RuleRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole sidecar for the tests: the daemon, its rules folder and its embedded store in a
 * directory, every Odoo connection answered by one {@link MemoryOdoo} (database {@code memory}),
 * the push endpoint on with {@link #SECRET}, the poller off.
 */
public final class TestSidecar implements AutoCloseable {
  /** The push secret. */
  public static final String SECRET = "test-sidecar-push-secret-5e1f";

  /** The Odoo password of {@code admin}, the sidecar's user and the console's. */
  public static final String ODOO_PASSWORD = "odoo-admin-password-7c2";

  public final MemoryOdoo odoo;
  public final Daemon daemon;
  public final Path dir;
  public final RuleRegistry rules;
  private final HttpClient http = HttpClient.newHttpClient();

  private TestSidecar(Path dir, MemoryOdoo odoo, RuleRegistry rules, Daemon daemon) {
    this.dir = dir;
    this.odoo = odoo;
    this.rules = rules;
    this.daemon = daemon;
  }

  /**
   * Starts a sidecar.
   *
   * @param rulesYaml the one rule file's content
   * @param configYaml more configuration (YAML top-level sections), or empty
   */
  public static TestSidecar start(Path dir, MemoryOdoo odoo, String rulesYaml, String configYaml)
      throws Exception {
    return start(dir, odoo, rulesYaml, configYaml, "127.0.0.1");
  }

  /**
   * Starts a sidecar bound to {@code host} ({@code 0.0.0.0}: not a loopback address, so that the
   * console asks for a login). Odoo takes {@code admin} with {@link #ODOO_PASSWORD} and refuses any
   * other password.
   */
  public static TestSidecar start(
      Path dir, MemoryOdoo odoo, String rulesYaml, String configYaml, String host)
      throws Exception {
    Path rulesDir = Files.createDirectories(dir.resolve("rules"));
    Files.writeString(rulesDir.resolve("rules.yaml"), rulesYaml);
    Path yaml = dir.resolve("sidecar.yaml");
    Files.writeString(
        yaml,
        "server:\n  host: "
            + host
            + "\n  port: 0\ndata-dir: "
            + dir.resolve("data").toAbsolutePath()
            + "\npoll:\n  enabled: false\n"
            + configYaml);
    SidecarConfig config =
        SidecarConfig.load(
            yaml,
            Map.of(
                "ODOO_URL", "http://127.0.0.1:1",
                "ODOO_DB", "memory",
                "ODOO_USER", "admin",
                "ODOO_PASSWORD", ODOO_PASSWORD,
                "SIDECAR_PUSH_SECRET", SECRET));
    RuleRegistry rules = new RuleRegistry(rulesDir, Duration.ofMillis(50));
    Daemon daemon =
        new Daemon(
            config,
            Clock.systemUTC(),
            wait -> Thread.sleep(20),
            rules,
            code -> {},
            s -> checked(odoo, s));
    daemon.start();
    return new TestSidecar(dir, odoo, rules, daemon);
  }

  /** The double for a connection whose password is Odoo's; else one that refuses to log in. */
  private static OdooClient checked(MemoryOdoo odoo, OdooSettings settings) {
    boolean right =
        settings.password().map(p -> p.reveal().equals(ODOO_PASSWORD)).orElse(false)
            && settings.login().equals("admin");
    return right ? odoo : new Refusing(odoo);
  }

  /** Odoo refusing a login: wrong login or password. */
  private static final class Refusing extends io.odoosidecar.odoo.ForwardingOdooClient {
    Refusing(OdooClient delegate) {
      super(delegate);
    }

    @Override
    public long authenticate() {
      throw new io.odoosidecar.odoo.OdooAuthenticationException(
          "odoo.exceptions.AccessDenied", "Access Denied", "", 200);
    }

    @Override
    public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
      authenticate();
      return null;
    }

    @Override
    public OdooClient withContext(Map<String, ?> context) {
      return this;
    }

    @Override
    public Map<String, io.odoosidecar.odoo.FieldInfo> fieldsGet(String model) {
      authenticate();
      return Map.of();
    }

    @Override
    public void close() {}
  }

  /** The sidecar's base URL. */
  public String url() {
    return "http://127.0.0.1:" + daemon.port();
  }

  /** A client of the sidecar's own RPC endpoint, with the push secret. */
  public OdooClient rpc() {
    return OdooClients.create(
        OdooSettings.of("sidecar", URI.create(url()), "memory", "addon", Secret.of(SECRET), null)
            .withTransport(TransportKind.JSONRPC)
            .withRetry(RetryPolicy.NONE));
  }

  /** Pushes, as the addon does, a write of {@code field} on records, with its old value. */
  public Object pushWrite(long outbox, String model, List<Long> ids, String field, Object old) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", outbox);
    event.put("model", model);
    event.put("op", "write");
    event.put("ids", ids);
    event.put("fields", List.of(field));
    Map<String, Object> olds = new LinkedHashMap<>();
    ids.forEach(id -> olds.put(id.toString(), Map.of(field, old)));
    event.put("old", olds);
    event.put("uid", 2);
    event.put(
        "at",
        java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
            .withNano(0)
            .toString()
            .replace('T', ' '));
    Map<String, Object> batch = new LinkedHashMap<>();
    batch.put("nonce", "nonce-" + outbox + "-" + System.nanoTime());
    batch.put("sent_at", System.currentTimeMillis() / 1000.0);
    batch.put("events", List.of(event));
    try (OdooClient client = rpc()) {
      return client.executeKw("sidecar.event", "push", List.of(batch), Map.of());
    }
  }

  /** GET on the sidecar. */
  public HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    daemon.close();
  }
}
