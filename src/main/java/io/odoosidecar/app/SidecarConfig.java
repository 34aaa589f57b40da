package io.odoosidecar.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's configuration: a YAML file (every key documented in {@code config/sidecar.yaml} and
 * the README) with environment overrides.
 *
 * <p>The environment variables {@code ODOO_URL}, {@code ODOO_DB}, {@code ODOO_USER}, {@code
 * ODOO_PASSWORD} and {@code ODOO_API_KEY} override the default connection. Secrets never come from
 * the YAML itself: a connection names the environment variable ({@code password-env}) or the file
 * ({@code password-file}) that holds each one.
 *
 * @param file the file read, or a placeholder when there was none
 * @param connections the Odoo connections by name, in file order
 * @param defaultConnection the name of the connection used when none is named
 * @param server the sidecar's own HTTP server
 * @param dataDir where the sidecar keeps its files
 * @param eventLog where the event log lives
 * @param push how the addon's pushes are received
 * @param pipeline how events are processed
 * @param poll how the poller watches Odoo
 * @param python how code actions run
 * @param sync the outbound syncs' log
 */
public record SidecarConfig(
    Path file,
    Map<String, OdooSettings> connections,
    String defaultConnection,
    ServerConfig server,
    Path dataDir,
    EventLogConfig eventLog,
    PushConfig push,
    PipelineConfig pipeline,
    PollConfig poll,
    PythonConfig python,
    SyncSettings sync) {

  /**
   * The outbound syncs' log of HTTP attempts (kept in the event log's database).
   *
   * @param logRetention how long an attempt stays in the sync log
   * @param logBodyLimit where the logged request and answer bodies are cut, in characters
   */
  public record SyncSettings(Duration logRetention, int logBodyLimit) {
    /** The defaults: 30 days, 64 KiB. */
    public static final SyncSettings DEFAULTS =
        new SyncSettings(Duration.ofDays(30), io.odoosidecar.sync.SyncLog.DEFAULT_BODY_LIMIT);
  }

  /** Code actions: the most statements and the longest time one execution may take. */
  public record PythonConfig(long statementLimit, Duration timeout) {}

  /**
   * The sidecar's own HTTP server (RPC endpoint, webhooks, health).
   *
   * @param readTimeout how long a request's headers, and then its body, may take to arrive
   * @param idleTimeout how long a connection may stay open with no request
   */
  public record ServerConfig(String host, int port, Duration readTimeout, Duration idleTimeout) {
    /** A server with the default time-outs: 10 s to read a request, 60 s idle. */
    public ServerConfig(String host, int port) {
      this(host, port, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }
  }

  /**
   * The event log: embedded H2 under the data directory when {@code url} is empty, else a JDBC URL
   * (PostgreSQL) with its user and password.
   */
  public record EventLogConfig(
      Optional<String> url, String user, Optional<Secret> password, Duration retention) {}

  /**
   * The push endpoint: off without a secret.
   *
   * @param secret the shared secret (from {@code secret-env} or {@code secret-file})
   * @param auth {@code secret} (the call's password) or {@code hmac} (a signature header)
   * @param window how far a push's time may be from the sidecar's
   * @param maxBodyBytes the largest request body accepted
   * @param maxEvents the most events one push may hold
   * @param maxRecords the most records the events of one push may name together (rows stored)
   * @param publicUrl the sidecar's URL as Odoo reaches it, given to the addon at registration
   */
  public record PushConfig(
      Optional<Secret> secret,
      io.odoosidecar.pipeline.PushReceiver.Auth auth,
      Duration window,
      int maxBodyBytes,
      int maxEvents,
      int maxRecords,
      Optional<String> publicUrl) {
    /** A push configuration with the default {@code max-records}. */
    public PushConfig(
        Optional<Secret> secret,
        io.odoosidecar.pipeline.PushReceiver.Auth auth,
        Duration window,
        int maxBodyBytes,
        int maxEvents,
        Optional<String> publicUrl) {
      this(
          secret,
          auth,
          window,
          maxBodyBytes,
          maxEvents,
          io.odoosidecar.pipeline.PushReceiver.DEFAULT_MAX_RECORDS,
          publicUrl);
    }
  }

  /** The processing of events: workers, batches, chained firings, retries. */
  public record PipelineConfig(
      int workers, int batchSize, int maxDepth, RetryPolicy retry, Duration drainTimeout) {}

  /**
   * The poller: on or off, how often it looks, how many records per call, how often it looks for
   * deletions, and which models (empty: those the rules watch).
   */
  public record PollConfig(
      boolean enabled,
      Duration interval,
      int batchSize,
      Duration deletionInterval,
      List<String> models) {}

  private static final Set<String> TOP_KEYS =
      Set.of(
          "odoo", "server", "data-dir", "event-log", "push", "pipeline", "poll", "python", "sync");
  private static final Set<String> SYNC_KEYS = Set.of("log-retention", "log-body-limit");
  private static final Set<String> PYTHON_KEYS = Set.of("statement-limit", "timeout");
  private static final Set<String> EVENT_LOG_KEYS =
      Set.of("url", "user", "password-env", "password-file", "retention");
  private static final Set<String> PUSH_KEYS =
      Set.of(
          "secret-env",
          "secret-file",
          "auth",
          "window",
          "max-body-bytes",
          "max-events",
          "max-records",
          "public-url");
  private static final Set<String> PIPELINE_KEYS =
      Set.of("workers", "batch-size", "max-depth", "retry", "drain-timeout", "timed-interval");
  private static final Set<String> POLL_KEYS =
      Set.of("enabled", "interval", "batch-size", "deletion-interval", "models");
  private static final Set<String> ODOO_KEYS = Set.of("default", "connections");
  private static final Set<String> SERVER_KEYS =
      Set.of("host", "port", "read-timeout", "idle-timeout");
  private static final Set<String> RETRY_KEYS =
      Set.of("max-attempts", "initial-backoff", "max-backoff");
  private static final Set<String> CONNECTION_KEYS =
      Set.of(
          "url",
          "database",
          "login",
          "password",
          "api-key",
          "password-env",
          "password-file",
          "api-key-env",
          "api-key-file",
          "transport",
          "connect-timeout",
          "request-timeout",
          "tls-verify",
          "send-database-header",
          "retry",
          "fields-cache-ttl");

  /** The name of the connection built from the environment alone. */
  public static final String DEFAULT_NAME = "main";

  public SidecarConfig {
    connections = Collections.unmodifiableMap(new LinkedHashMap<>(connections));
  }

  /** A configuration with the sync log's defaults. */
  public SidecarConfig(
      Path file,
      Map<String, OdooSettings> connections,
      String defaultConnection,
      ServerConfig server,
      Path dataDir,
      EventLogConfig eventLog,
      PushConfig push,
      PipelineConfig pipeline,
      PollConfig poll,
      PythonConfig python) {
    this(
        file,
        connections,
        defaultConnection,
        server,
        dataDir,
        eventLog,
        push,
        pipeline,
        poll,
        python,
        SyncSettings.DEFAULTS);
  }

  /** A configuration with the defaults for the log and the pipeline, no push and no poller. */
  public SidecarConfig(
      Path file,
      Map<String, OdooSettings> connections,
      String defaultConnection,
      ServerConfig server,
      Path dataDir) {
    this(
        file,
        connections,
        defaultConnection,
        server,
        dataDir,
        new EventLogConfig(Optional.empty(), "", Optional.empty(), Duration.ofDays(7)),
        new PushConfig(
            Optional.empty(),
            io.odoosidecar.pipeline.PushReceiver.Auth.SECRET,
            Duration.ofMinutes(5),
            16 * 1024 * 1024,
            10_000,
            io.odoosidecar.pipeline.PushReceiver.DEFAULT_MAX_RECORDS,
            Optional.empty()),
        new PipelineConfig(
            2,
            500,
            5,
            new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofMinutes(10)),
            Duration.ofSeconds(30)),
        new PollConfig(false, Duration.ofSeconds(10), 500, Duration.ofMinutes(5), List.of()),
        new PythonConfig(2_000_000, Duration.ofSeconds(30)));
  }

  /** The connection named {@code name}, or the default one when {@code name} is null. */
  public OdooSettings connection(String name) {
    String wanted = name == null ? defaultConnection : name;
    OdooSettings settings = connections.get(wanted);
    if (settings == null) {
      throw new ConfigException(
          file,
          "odoo.connections",
          "no connection named '"
              + wanted
              + "'; configured: "
              + String.join(", ", connections.keySet()));
    }
    return settings;
  }

  /** Reads {@code file} (which may be absent: the environment alone then configures). */
  public static SidecarConfig load(Path file, Map<String, String> env) {
    JsonNode root = null;
    if (Files.exists(file)) {
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        root = new ObjectMapper(new YAMLFactory()).readTree(text);
        io.odoosidecar.rule.YamlKeys.firstDuplicate(text)
            .ifPresent(
                d -> {
                  throw new ConfigException(file, d.dotted(), d.problem());
                });
      } catch (JsonProcessingException e) {
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
        throw new ConfigException(
            file, "", "not valid YAML" + where + ": " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new ConfigException(file, "", "cannot be read: " + e.getMessage());
      }
    }
    return read(file, new ConfigNode(file, "", root), env);
  }

  private static SidecarConfig read(Path file, ConfigNode root, Map<String, String> env) {
    root.allowOnly(TOP_KEYS);
    ConfigNode odoo = root.child("odoo");
    odoo.allowOnly(ODOO_KEYS);
    ConfigNode list = odoo.child("connections");
    Map<String, OdooSettings> connections = new LinkedHashMap<>();
    String defaultName =
        odoo.string("default").orElse(list.keys().isEmpty() ? DEFAULT_NAME : list.keys().get(0));
    if (list.keys().isEmpty()) {
      connections.put(defaultName, connection(list.child(defaultName), defaultName, true, env));
    }
    for (String name : list.keys()) {
      connections.put(name, connection(list.child(name), name, name.equals(defaultName), env));
    }
    if (!connections.containsKey(defaultName)) {
      throw odoo.error("default", "names no connection of odoo.connections: '" + defaultName + "'");
    }
    ConfigNode server = root.child("server");
    server.allowOnly(SERVER_KEYS);
    ServerConfig serverConfig =
        new ServerConfig(
            server.string("host").orElse("127.0.0.1"),
            server.integer("port", 8765, 0, 65535),
            positive(server, "read-timeout", Duration.ofSeconds(10)),
            positive(server, "idle-timeout", Duration.ofSeconds(60)));
    Path dataDir = Path.of(root.string("data-dir").orElse("data"));
    ConfigNode log = root.child("event-log");
    log.allowOnly(EVENT_LOG_KEYS);
    Optional<String> logUrl = log.string("url");
    if (logUrl.isPresent() && !logUrl.get().startsWith("jdbc:")) {
      throw log.error(
          "url",
          "must be a JDBC URL (jdbc:postgresql://host:5432/db), got "
              + io.odoosidecar.odoo.Redaction.text(logUrl.get()));
    }
    EventLogConfig eventLog =
        new EventLogConfig(
            logUrl,
            log.string("user").orElse(""),
            secret(log, "password", null, env),
            log.duration("retention", Duration.ofDays(7)));
    ConfigNode push = root.child("push");
    push.allowOnly(PUSH_KEYS);
    io.odoosidecar.pipeline.PushReceiver.Auth auth;
    try {
      auth =
          io.odoosidecar.pipeline.PushReceiver.Auth.valueOf(
              push.string("auth").orElse("secret").toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw push.error("auth", "must be secret or hmac");
    }
    PushConfig pushConfig =
        new PushConfig(
            secret(push, "secret", "SIDECAR_PUSH_SECRET", env),
            auth,
            push.duration("window", Duration.ofMinutes(5)),
            push.integer("max-body-bytes", 16 * 1024 * 1024, 1024, Integer.MAX_VALUE),
            push.integer("max-events", 10_000, 1, 1_000_000),
            push.integer(
                "max-records",
                io.odoosidecar.pipeline.PushReceiver.DEFAULT_MAX_RECORDS,
                1,
                10_000_000),
            Optional.of(
                push.string("public-url")
                    .orElse("http://" + serverConfig.host() + ":" + serverConfig.port())));
    ConfigNode pipeline = root.child("pipeline");
    pipeline.allowOnly(PIPELINE_KEYS);
    ConfigNode retry = pipeline.child("retry");
    retry.allowOnly(RETRY_KEYS);
    RetryPolicy pipelineRetry;
    try {
      pipelineRetry =
          new RetryPolicy(
              retry.integer("max-attempts", 8, 1, 1000),
              retry.duration("initial-backoff", Duration.ofSeconds(2)),
              retry.duration("max-backoff", Duration.ofMinutes(10)));
    } catch (IllegalArgumentException e) {
      throw retry.error("", e.getMessage());
    }
    PipelineConfig pipelineConfig =
        new PipelineConfig(
            pipeline.integer("workers", 2, 1, 64),
            pipeline.integer("batch-size", 500, 1, 100_000),
            pipeline.integer("max-depth", 5, 1, 100),
            pipelineRetry,
            pipeline.duration("drain-timeout", Duration.ofSeconds(30)));
    if (pipeline.has("timed-interval")) {
      pipeline.duration("timed-interval", Duration.ofMinutes(1)); // still checked
      LoggerFactory.getLogger(SidecarConfig.class)
          .warn(
              "pipeline.timed-interval is no longer used and can be removed: timed rules fire at"
                  + " each record's due time");
    }
    ConfigNode poll = root.child("poll");
    poll.allowOnly(POLL_KEYS);
    List<String> models = new java.util.ArrayList<>();
    poll.string("models")
        .ifPresent(
            text -> {
              for (String model : text.split("[,\\s]+")) {
                if (!model.isBlank()) {
                  models.add(model);
                }
              }
            });
    PollConfig pollConfig =
        new PollConfig(
            poll.bool("enabled", true),
            poll.duration("interval", Duration.ofSeconds(10)),
            poll.integer("batch-size", 500, 1, 100_000),
            poll.duration("deletion-interval", Duration.ofMinutes(5)),
            models);
    ConfigNode python = root.child("python");
    python.allowOnly(PYTHON_KEYS);
    Duration pythonTimeout = python.duration("timeout", Duration.ofSeconds(30));
    if (pythonTimeout.isZero() || pythonTimeout.isNegative()) {
      // no time-out would stop code at once, before its first statement
      throw python.error(
          "timeout", "must be longer than 0s, got " + pythonTimeout.toMillis() + "ms");
    }
    PythonConfig pythonConfig =
        new PythonConfig(
            python.integer("statement-limit", 2_000_000, 1_000, Integer.MAX_VALUE), pythonTimeout);
    ConfigNode sync = root.child("sync");
    sync.allowOnly(SYNC_KEYS);
    SyncSettings syncSettings =
        new SyncSettings(
            positive(sync, "log-retention", SyncSettings.DEFAULTS.logRetention()),
            sync.size(
                "log-body-limit", SyncSettings.DEFAULTS.logBodyLimit(), 256, 64 * 1024 * 1024));
    return new SidecarConfig(
        file,
        connections,
        defaultName,
        serverConfig,
        dataDir,
        eventLog,
        pushConfig,
        pipelineConfig,
        pollConfig,
        pythonConfig,
        syncSettings);
  }

  private static OdooSettings connection(
      ConfigNode node, String name, boolean isDefault, Map<String, String> env) {
    node.allowOnly(CONNECTION_KEYS);
    for (String literal : new String[] {"password", "api-key"}) {
      if (node.has(literal)) {
        throw node.error(
            literal,
            "secrets are not read from the YAML: name an environment variable ("
                + literal
                + "-env) or a file ("
                + literal
                + "-file) that holds it");
      }
    }
    String url =
        override(env, isDefault, "ODOO_URL")
            .orElseGet(() -> node.requireString("url", "the Odoo server's URL (or set ODOO_URL)"));
    String database =
        override(env, isDefault, "ODOO_DB")
            .orElseGet(
                () -> node.requireString("database", "the Odoo database name (or set ODOO_DB)"));
    String login =
        override(env, isDefault, "ODOO_USER")
            .orElseGet(
                () -> node.requireString("login", "the Odoo user's login (or set ODOO_USER)"));
    Optional<Secret> password = secret(node, "password", isDefault ? "ODOO_PASSWORD" : null, env);
    Optional<Secret> apiKey = secret(node, "api-key", isDefault ? "ODOO_API_KEY" : null, env);
    if (password.isEmpty() && apiKey.isEmpty()) {
      throw node.error(
          "password-env",
          "no secret found: set "
              + (isDefault ? "ODOO_PASSWORD or ODOO_API_KEY, or " : "")
              + "name an environment variable (password-env, api-key-env) or a file"
              + " (password-file, api-key-file)");
    }
    TransportKind transport;
    try {
      transport = TransportKind.of(node.string("transport").orElse("auto"));
    } catch (IllegalArgumentException e) {
      throw node.error("transport", e.getMessage());
    }
    if (transport == TransportKind.JSON2 && apiKey.isEmpty()) {
      throw node.error(
          "transport", "json2 needs an API key (ODOO_API_KEY, api-key-env or api-key-file)");
    }
    ConfigNode retry = node.child("retry");
    retry.allowOnly(RETRY_KEYS);
    RetryPolicy retryPolicy;
    try {
      retryPolicy =
          new RetryPolicy(
              retry.integer("max-attempts", RetryPolicy.DEFAULT.maxAttempts(), 1, 100),
              retry.duration("initial-backoff", RetryPolicy.DEFAULT.initialBackoff()),
              retry.duration("max-backoff", RetryPolicy.DEFAULT.maxBackoff()));
    } catch (IllegalArgumentException e) {
      throw retry.error("", e.getMessage());
    }
    return new OdooSettings(
        name,
        node.url("url", url),
        database,
        login,
        password,
        apiKey,
        transport,
        node.duration("connect-timeout", Duration.ofSeconds(10)),
        node.duration("request-timeout", Duration.ofSeconds(120)),
        node.bool("tls-verify", true),
        retryPolicy,
        node.duration("fields-cache-ttl", Duration.ofMinutes(10)),
        node.bool("send-database-header", true));
  }

  /** A duration that must be more than zero. */
  private static Duration positive(ConfigNode node, String key, Duration absent) {
    Duration value = node.duration(key, absent);
    if (value.isZero() || value.isNegative()) {
      throw node.error(key, "must be more than 0, got " + value);
    }
    return value;
  }

  private static Optional<String> override(
      Map<String, String> env, boolean isDefault, String variable) {
    if (!isDefault) {
      return Optional.empty();
    }
    String value = env.get(variable);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  private static Optional<Secret> secret(
      ConfigNode node, String what, String defaultVariable, Map<String, String> env) {
    Optional<String> variable = node.string(what + "-env");
    Optional<String> fromEnv =
        variable
            .or(() -> Optional.ofNullable(defaultVariable))
            .map(env::get)
            .filter(v -> !v.isEmpty());
    if (fromEnv.isPresent()) {
      return fromEnv.map(Secret::of);
    }
    Optional<String> file = node.string(what + "-file");
    if (file.isEmpty()) {
      return Optional.empty();
    }
    try {
      String text = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw node.error(what + "-file", "the file " + file.get() + " is empty");
      }
      return Optional.of(Secret.of(text));
    } catch (IOException e) {
      throw node.error(what + "-file", "cannot read " + file.get() + ": " + e.getMessage());
    }
  }
}
