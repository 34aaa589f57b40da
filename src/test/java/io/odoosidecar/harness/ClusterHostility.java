package io.odoosidecar.harness;

import io.odoosidecar.pipeline.HostilePushSuites;
import io.odoosidecar.server.HostileXmlSuites;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The project's hostile-input suites of the RPC endpoint (push limits and malformed values, XML
 * with DTDs and entities, deep nesting) run against a cluster's instances while it works, each test
 * judging the cluster's answers with its own assertions; then the check that the event log holds
 * exactly what the instances said they accepted: nothing refused stored, nothing accepted lost.
 */
final class ClusterHostility {
  /** The model of the suites' pushes (the harness's rules watch another). */
  static final String MODEL = "res.partner";

  /** Above any outbox id of the harness's changes, under PostgreSQL's integer limit. */
  static final long OUTBOX_BASE = 2_000_000_000L;

  private ClusterHostility() {}

  /** Runs the suites; one line per suite and failure, and the stored check. */
  static List<String> run(Cluster cluster, String database, String secret, EventLogDatabase db)
      throws Exception {
    long before = stored(db, database);
    List<HostileProxy> proxies = new CopyOnWriteArrayList<>();
    List<String> lines = new ArrayList<>();
    List<Class<?>> suites = new ArrayList<>(HostilePushSuites.suites());
    suites.addAll(HostileXmlSuites.suites());
    for (Class<?> suite : suites) {
      List<SuiteRunner.Outcome> outcomes =
          SuiteRunner.run(
              suite,
              () -> {
                HostileProxy proxy =
                    new HostileProxy(
                        () ->
                            cluster.instances().stream()
                                .filter(SidecarProcess::alive)
                                .map(SidecarProcess::url)
                                .toList(),
                        database,
                        secret,
                        HostilePushSuites.secret(),
                        OUTBOX_BASE + 1_000L * proxies.size());
                proxies.add(proxy);
                return proxy.start();
              });
      long passed = outcomes.stream().filter(SuiteRunner.Outcome::passed).count();
      lines.add(
          "hostile: "
              + suite.getSimpleName()
              + ": "
              + passed
              + " of "
              + outcomes.size()
              + " passed");
      outcomes.stream()
          .filter(o -> !o.passed())
          .forEach(o -> lines.add("hostile:   FAILED " + o.test() + ": " + o.failure()));
    }
    long accepted = proxies.stream().mapToLong(HostileProxy::accepted).sum();
    long ambiguous = proxies.stream().mapToLong(HostileProxy::ambiguous).sum();
    long stored = stored(db, database) - before;
    lines.add(
        "hostile: events accepted by the instances "
            + accepted
            + ", stored in the event log "
            + stored
            + (ambiguous > 0
                ? " (" + ambiguous + (ambiguous == 1 ? " call" : " calls") + " cut by a kill)"
                : "")
            + (stored == accepted
                ? ": nothing refused stored, nothing accepted lost"
                : ": MISMATCH"));
    return lines;
  }

  private static long stored(EventLogDatabase db, String database) throws java.sql.SQLException {
    return db.events(database, MODEL).values().stream().mapToLong(Long::longValue).sum();
  }
}
