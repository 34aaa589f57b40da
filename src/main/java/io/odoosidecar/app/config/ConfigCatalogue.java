package io.odoosidecar.app.config;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Every key of the sidecar's configuration with its default and meaning: the sections accept the
 * keys listed here and no other, and the README's configuration table shows this list.
 */
public final class ConfigCatalogue {
  /** Stands for a connection's name in a path ({@code odoo.connections.NAME.url}). */
  public static final String NAME = "NAME";

  private static final String CONNECTION = "odoo.connections." + NAME + ".";
  private static final String FILE_SECRET = "a file holding %s, read when the variable gives none";
  private static final String NOT_IN_YAML =
      "refused: secrets are not read from the YAML (name `%1$s-env` or `%1$s-file`)";

  private static final List<ConfigKey> KEYS =
      Stream.of(
              odoo(),
              server(),
              eventLog(),
              instance(),
              push(),
              pipeline(),
              poll(),
              pythonAndSync(),
              operations())
          .flatMap(List::stream)
          .toList();

  private ConfigCatalogue() {}

  /** Every key, in the order the README shows them. */
  public static List<ConfigKey> keys() {
    return Collections.unmodifiableList(KEYS);
  }

  /**
   * The keys a mapping at {@code path} may hold: the next part of every key under it ({@code
   * server} holds {@code host}, {@code port}, ...; the empty path holds the sections).
   */
  public static Set<String> childrenOf(String path) {
    String prefix = path.isEmpty() ? "" : path + ".";
    Set<String> children = new LinkedHashSet<>();
    for (ConfigKey key : KEYS) {
      if (key.path().startsWith(prefix)) {
        String rest = key.path().substring(prefix.length());
        int dot = rest.indexOf('.');
        children.add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    return Collections.unmodifiableSet(children);
  }

  private static List<ConfigKey> odoo() {
    return List.of(
        key("odoo.default", "the first connection", "connection used when a command names none"),
        connection("url", "required (`ODOO_URL`)", "Odoo's base URL, `http://` or `https://`"),
        connection("database", "required (`ODOO_DB`)", "database name"),
        connection("login", "required (`ODOO_USER`)", "user's login"),
        connection(
            "password-env",
            "`ODOO_PASSWORD` for the default connection, else none",
            "the environment variable holding the password"),
        connection("password-file", "none", FILE_SECRET.formatted("the password")),
        connection(
            "api-key-env",
            "`ODOO_API_KEY` for the default connection, else none",
            "the environment variable holding the API key (JSON-2; also accepted as a password"
                + " by XML-RPC and JSON-RPC)"),
        connection("api-key-file", "none", FILE_SECRET.formatted("the API key")),
        connection("password", "none", NOT_IN_YAML.formatted("password")),
        connection("api-key", "none", NOT_IN_YAML.formatted("api-key")),
        connection("transport", "`auto`", "`xmlrpc`, `jsonrpc`, `json2` or `auto`"),
        connection("connect-timeout", "`10s`", "longest wait for a connection"),
        connection("request-timeout", "`120s`", "longest wait for an answer"),
        connection("tls-verify", "`true`", "`false` trusts any certificate (logged as a warning)"),
        connection("send-database-header", "`true`", "JSON-2: send `X-Odoo-Database`"),
        connection(
            "retry.max-attempts",
            "`4`",
            "tries of a read-only call on transport failures (1 to 100)"),
        connection("retry.initial-backoff", "`200ms`", "first wait; doubles, with jitter"),
        connection("retry.max-backoff", "`5s`", "longest wait between tries"),
        connection("fields-cache-ttl", "`10m`", "how long `fields_get` answers are kept"));
  }

  private static List<ConfigKey> server() {
    return List.of(
        key(
            "server.host",
            "`127.0.0.1`",
            "address of the sidecar's own HTTP endpoint (health, RPC endpoint, webhooks); a"
                + " host that is not a loopback address (`0.0.0.0`, a LAN address) is logged"
                + " at start as a warning naming what it exposes"),
        key("server.port", "`8765`", "its port (0 to 65535; 0 takes any free port)"),
        key(
            "server.read-timeout",
            "`10s`",
            "longest time a request's headers, and then its body, may take to arrive; a push"
                + " body not complete by then is answered 408 and its connection closed; more"
                + " than `0s`"),
        key(
            "server.idle-timeout",
            "`60s`",
            "a connection with no request (or an answer left unread) this long is closed; more"
                + " than `0s`"),
        key("data-dir", "`data`", "where the sidecar keeps its files (the embedded event log)"));
  }

  private static List<ConfigKey> eventLog() {
    return List.of(
        key(
            "event-log.url",
            "none: embedded H2 under `data-dir`",
            "a JDBC URL for PostgreSQL (`jdbc:postgresql://127.0.0.1:5432/sidecar`)"),
        key("event-log.user", "none", "the database user of that URL"),
        key("event-log.password-env", "none", "the environment variable holding its password"),
        key("event-log.password-file", "none", FILE_SECRET.formatted("its password")),
        key(
            "event-log.retention",
            "`7d`",
            "done events (and their dedupe keys) are forgotten after this long; checked hourly"));
  }

  private static List<ConfigKey> instance() {
    return List.of(
        key(
            "instance.id",
            "the host's name and the process id, `host:pid`",
            "this sidecar among the instances sharing a PostgreSQL `event-log.url`: on its claims,"
                + " its leadership and in `/health`; unique among the instances running at a time"
                + " (one restarted with the same id takes back its claims at once)"),
        key(
            "instance.lease",
            "`30s`",
            "how long an instance's claims and its leadership hold without its heartbeat (every"
                + " third of it): another takes over that long after it dies; at least `3s`"));
  }

  private static List<ConfigKey> push() {
    return List.of(
        key(
            "push.secret-env",
            "`SIDECAR_PUSH_SECRET`",
            "the environment variable holding the shared secret; without a secret the push"
                + " endpoint is off"),
        key("push.secret-file", "none", FILE_SECRET.formatted("the shared secret")),
        key(
            "push.auth",
            "`secret`",
            "`secret`: the call's password is the secret (compared in constant time); `hmac`:"
                + " `X-Sidecar-Signature: sha256=HMAC(secret, X-Sidecar-Timestamp + \".\" +"
                + " body)`"),
        key(
            "push.window",
            "`5m`",
            "how far a push's `sent_at` (and signature time) may be from now"),
        key(
            "push.max-body-bytes",
            "`16777216`",
            "larger push bodies are refused (413), and so is a push whose payloads would"
                + " together store more than 4 × this (each record's payload copies its"
                + " event's fields, chain and message; 413, naming the key); at least 1024"),
        key(
            "push.max-events",
            "`10000`",
            "the most events one push may hold; more is refused (413); 1 to 1000000"),
        key(
            "push.max-records",
            "`10000`",
            "the most records the events of one push may name together (the rows it stores);"
                + " more is refused (413, naming the key)"),
        key(
            "push.public-url",
            "`http://` + `server.host:port`",
            "the sidecar's URL as Odoo reaches it: given, with the secret and the watch list,"
                + " to a database that has the `sidecar_bridge` addon (at connection, and"
                + " every 30 s when the rules change); of several instances, the leader gives the"
                + " URLs of those alive, its own first"));
  }

  private static List<ConfigKey> pipeline() {
    return List.of(
        key("pipeline.workers", "`2`", "threads claiming batches (1 to 64)"),
        key("pipeline.batch-size", "`500`", "events per batch (1 to 100000)"),
        key("pipeline.max-depth", "`5`", "longest chain of rules firing one another (1 to 100)"),
        key(
            "pipeline.retry.max-attempts",
            "`8`",
            "failing tries of an event before it is parked as a dead letter (Odoo being"
                + " unreachable does not count; 1 to 1000)"),
        key(
            "pipeline.retry.initial-backoff",
            "`2s`",
            "first wait before a failed event is tried again; doubles, with jitter"),
        key("pipeline.retry.max-backoff", "`10m`", "longest wait between an event's tries"),
        key("pipeline.drain-timeout", "`30s`", "how long a stop waits for batches in flight"),
        key(
            "pipeline.timed-interval",
            "none",
            "no longer used (timed rules fire at each record's due time): accepted with a"
                + " warning, can be removed"));
  }

  private static List<ConfigKey> poll() {
    return List.of(
        key("poll.enabled", "`true`", "poll Odoo for changes (beside the push, or instead of it)"),
        key("poll.interval", "`10s`", "how often the poller looks for changes"),
        key("poll.batch-size", "`500`", "records per call (1 to 100000)"),
        key(
            "poll.deletion-interval",
            "`5m`",
            "how often deletions are looked for (id sets compared)"),
        key("poll.models", "the models the rules watch", "models to poll, comma-separated"));
  }

  private static List<ConfigKey> pythonAndSync() {
    return List.of(
        key(
            "python.statement-limit",
            "`2000000`",
            "the most statements one code action or expression may run; at least 1000"),
        key(
            "python.timeout",
            "`30s`",
            "the most time one code action or expression may take (time spent waiting for"
                + " Odoo's answers is not counted: a loop of calls to a slow Odoo is not"
                + " runaway code; each call is bounded by `request-timeout`); more than `0s`"),
        key(
            "sync.log-retention",
            "`30d`",
            "the outbound syncs' HTTP attempts (the sync log, in the event log's database) are"
                + " removed after this long; checked hourly; more than `0s`"),
        key(
            "sync.log-body-limit",
            "`64KiB`",
            "request and answer bodies in the sync log are cut at this size (a number, or with"
                + " `B`, `KiB`, `MiB`; 256 B to 64 MiB)"));
  }

  private static List<ConfigKey> operations() {
    return List.of(
        key(
            "history.retention",
            "`30d`",
            "the rules' runs (the run history, `sidecar.run`) are removed after this long; more"
                + " than `0s`"),
        key(
            "history.max-runs",
            "`10000`",
            "the most runs the history keeps, the oldest removed first (100 to 10000000)"),
        key("console.enabled", "`true`", "serve the web console on the sidecar's HTTP endpoint"),
        key(
            "console.group",
            "`base.group_system`",
            "the Odoo group (xml id, `module.name`) whose users may sign in to the console"),
        key("console.session-timeout", "`8h`", "how long a console sign-in lasts; more than `0s`"),
        key(
            "console.login-attempts",
            "`5`",
            "failed sign-ins before further ones are throttled (1 to 1000)"),
        key(
            "logging.format",
            "`text`",
            "`text` (one line per entry) or `json` (one JSON object per line)"),
        key(
            "metrics.enabled",
            "`true`",
            "keep the sidecar's metrics and serve them at `/metrics`"));
  }

  private static ConfigKey connection(String key, String shownDefault, String meaning) {
    return key(CONNECTION + key, shownDefault, meaning);
  }

  private static ConfigKey key(String path, String shownDefault, String meaning) {
    return new ConfigKey(path, shownDefault, meaning);
  }
}
