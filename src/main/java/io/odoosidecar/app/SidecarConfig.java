package io.odoosidecar.app;

import io.odoosidecar.app.config.ConfigReader;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.pipeline.PushReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sidecar's configuration: a YAML file (every key listed in {@link
 * io.odoosidecar.app.config.ConfigCatalogue}, shown in {@code config/sidecar.yaml} and the README)
 * with environment overrides.
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
 * @param history how much of the rules' runs is kept
 * @param console the web console
 * @param logging how log entries are written
 * @param metrics the metrics endpoint
 * @param instance this instance among those sharing a PostgreSQL event log
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
    SyncSettings sync,
    HistoryConfig history,
    ConsoleConfig console,
    LoggingConfig logging,
    MetricsConfig metrics,
    InstanceConfig instance) {

  /**
   * This instance among those sharing a PostgreSQL event log (on the embedded store it is the only
   * one).
   *
   * @param id its id, unique among the instances running at a time: on its claims, its leases and
   *     in the registry
   * @param lease how long its claims and its leadership hold without a heartbeat (it beats every
   *     third of it): how soon another instance takes over when it dies
   */
  public record InstanceConfig(String id, Duration lease) {
    /** The defaults: {@code host:pid}, 30 s. */
    public static final InstanceConfig DEFAULTS =
        new InstanceConfig(
            io.odoosidecar.store.EventLog.Claimant.thisProcess(),
            io.odoosidecar.store.EventLog.Claimant.LEASE);

    /** The claimant the event log's claims are made as. */
    public io.odoosidecar.store.EventLog.Claimant claimant() {
      return new io.odoosidecar.store.EventLog.Claimant(id, lease);
    }
  }

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
  public record PythonConfig(long statementLimit, Duration timeout) {
    /** The defaults: two million statements, 30 s. */
    public static final PythonConfig DEFAULTS = new PythonConfig(2_000_000, Duration.ofSeconds(30));
  }

  /**
   * The sidecar's own HTTP server (RPC endpoint, webhooks, health).
   *
   * @param readTimeout how long a request's headers, and then its body, may take to arrive
   * @param idleTimeout how long a connection may stay open with no request
   */
  public record ServerConfig(String host, int port, Duration readTimeout, Duration idleTimeout) {
    /** The defaults: 127.0.0.1:8765 with the default time-outs. */
    public static final ServerConfig DEFAULTS = new ServerConfig("127.0.0.1", 8765);

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
      Optional<String> url, String user, Optional<Secret> password, Duration retention) {
    /** The defaults: embedded, done events kept 7 days. */
    public static final EventLogConfig DEFAULTS =
        new EventLogConfig(Optional.empty(), "", Optional.empty(), Duration.ofDays(7));
  }

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
      PushReceiver.Auth auth,
      Duration window,
      int maxBodyBytes,
      int maxEvents,
      int maxRecords,
      Optional<String> publicUrl) {
    /** The defaults with no secret and no public URL: the push endpoint off. */
    public static final PushConfig OFF =
        new PushConfig(
            Optional.empty(),
            PushReceiver.Auth.SECRET,
            Duration.ofMinutes(5),
            PushReceiver.DEFAULT_MAX_BODY_BYTES,
            10_000,
            PushReceiver.DEFAULT_MAX_RECORDS,
            Optional.empty());

    /** A push configuration with the default {@code max-records}. */
    public PushConfig(
        Optional<Secret> secret,
        PushReceiver.Auth auth,
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
          PushReceiver.DEFAULT_MAX_RECORDS,
          publicUrl);
    }
  }

  /** The processing of events: workers, batches, chained firings, retries. */
  public record PipelineConfig(
      int workers, int batchSize, int maxDepth, RetryPolicy retry, Duration drainTimeout) {
    /** The defaults: 2 workers, batches of 500, depth 5, 8 tries from 2 s to 10 m, 30 s drain. */
    public static final PipelineConfig DEFAULTS =
        new PipelineConfig(
            2,
            500,
            5,
            new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofMinutes(10)),
            Duration.ofSeconds(30));
  }

  /**
   * The poller: on or off, how often it looks, how many records per call, how often it looks for
   * deletions, and which models (empty: those the rules watch).
   */
  public record PollConfig(
      boolean enabled,
      Duration interval,
      int batchSize,
      Duration deletionInterval,
      List<String> models) {
    /** The defaults with the poller off (a file's poller is on unless it says otherwise). */
    public static final PollConfig OFF =
        new PollConfig(false, Duration.ofSeconds(10), 500, Duration.ofMinutes(5), List.of());
  }

  /**
   * The run history of the rules.
   *
   * @param retention how long a run is kept
   * @param maxRuns the most runs kept, the oldest dropped first
   */
  public record HistoryConfig(Duration retention, int maxRuns) {
    /** The defaults: 30 days, 10000 runs. */
    public static final HistoryConfig DEFAULTS = new HistoryConfig(Duration.ofDays(30), 10_000);
  }

  /**
   * The web console.
   *
   * @param enabled whether it is served
   * @param group the xml id ({@code module.name}) of the Odoo group whose users may sign in
   * @param sessionTimeout how long a sign-in lasts
   * @param loginAttempts failed sign-ins before further tries are throttled
   */
  public record ConsoleConfig(
      boolean enabled, String group, Duration sessionTimeout, int loginAttempts) {
    /** The defaults: on, for {@code base.group_system}, 8 h sessions, 5 failures. */
    public static final ConsoleConfig DEFAULTS =
        new ConsoleConfig(true, "base.group_system", Duration.ofHours(8), 5);
  }

  /**
   * How log entries are written.
   *
   * @param format {@link #TEXT} or {@link #JSON}
   */
  public record LoggingConfig(String format) {
    /** One line of text per entry. */
    public static final String TEXT = "text";

    /** One JSON object per line. */
    public static final String JSON = "json";

    /** The default: text. */
    public static final LoggingConfig DEFAULTS = new LoggingConfig(TEXT);

    /** Whether entries are written as JSON. */
    public boolean json() {
      return JSON.equals(format);
    }
  }

  /**
   * The metrics endpoint.
   *
   * @param enabled whether the metrics are kept and served
   */
  public record MetricsConfig(boolean enabled) {
    /** The default: on. */
    public static final MetricsConfig DEFAULTS = new MetricsConfig(true);
  }

  /** The name of the connection built from the environment alone. */
  public static final String DEFAULT_NAME = "main";

  public SidecarConfig {
    connections = Collections.unmodifiableMap(new LinkedHashMap<>(connections));
  }

  /** A configuration with the default instance. */
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
      PythonConfig python,
      SyncSettings sync,
      HistoryConfig history,
      ConsoleConfig console,
      LoggingConfig logging,
      MetricsConfig metrics) {
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
        sync,
        history,
        console,
        logging,
        metrics,
        InstanceConfig.DEFAULTS);
  }

  /** A configuration with the defaults of the run history, console, logging and metrics. */
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
      PythonConfig python,
      SyncSettings sync) {
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
        sync,
        HistoryConfig.DEFAULTS,
        ConsoleConfig.DEFAULTS,
        LoggingConfig.DEFAULTS,
        MetricsConfig.DEFAULTS);
  }

  /** A configuration with the defaults of the sync log and of the later sections. */
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
        EventLogConfig.DEFAULTS,
        PushConfig.OFF,
        PipelineConfig.DEFAULTS,
        PollConfig.OFF,
        PythonConfig.DEFAULTS);
  }

  /** This configuration with another run history section. */
  public SidecarConfig withHistory(HistoryConfig newHistory) {
    return new SidecarConfig(
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
        sync,
        newHistory,
        console,
        logging,
        metrics,
        instance);
  }

  /** This configuration with another console section. */
  public SidecarConfig withConsole(ConsoleConfig newConsole) {
    return new SidecarConfig(
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
        sync,
        history,
        newConsole,
        logging,
        metrics,
        instance);
  }

  /** This configuration with another logging section. */
  public SidecarConfig withLogging(LoggingConfig newLogging) {
    return new SidecarConfig(
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
        sync,
        history,
        console,
        newLogging,
        metrics,
        instance);
  }

  /** This configuration with another metrics section. */
  public SidecarConfig withMetrics(MetricsConfig newMetrics) {
    return new SidecarConfig(
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
        sync,
        history,
        console,
        logging,
        newMetrics,
        instance);
  }

  /** This configuration with another instance section. */
  public SidecarConfig withInstance(InstanceConfig newInstance) {
    return new SidecarConfig(
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
        sync,
        history,
        console,
        logging,
        metrics,
        newInstance);
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

  /**
   * Reads {@code file} (which may be absent: the environment alone then configures).
   *
   * @throws ConfigException naming the file and the key of the first mistake
   */
  public static SidecarConfig load(Path file, Map<String, String> env) {
    return ConfigReader.read(file, env);
  }
}
