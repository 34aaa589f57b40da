package io.odoosidecar.harness;

import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.ValueCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A chaos run on a live Odoo with the sidecar_bridge addon: the harness's {@code crm.lead} records
 * ("sidecar chaos lead N", made once and kept), each change a write of {@code referred} over RPC
 * that the addon pushes; the messages are the notes on those records rendered from the harness's
 * template ("sidecar-chaos ..."). Restarting Odoo is {@code scripts/dev-odoo stop} then {@code
 * start} with the caller's {@code ODOO_HOME} and {@code DEV_ODOO_*} settings ({@code
 * -Dharness.devOdoo} names another project's script: the one the running Odoo was started with,
 * whose addons path it keeps).
 */
final class LiveTarget implements ChaosTarget {
  static final String LEAD = "sidecar chaos lead ";
  static final String MARK = "sidecar-chaos";
  private static final String FIELD = "referred";

  private final OdooSettings settings;
  private final Path project;
  private final String run = Long.toString(System.currentTimeMillis() / 1000, 36);
  private final OdooClient odoo;
  private long template;
  private long messagesAfter;
  private long outboxAfter;
  private List<Long> ids = List.of();

  /**
   * @param project the project's folder (for {@code scripts/dev-odoo})
   */
  LiveTarget(OdooSettings settings, Path project) {
    this.settings = settings;
    this.project = project;
    this.odoo = OdooClients.create(settings);
  }

  @Override
  public String odooUrl() {
    return settings.url().toString();
  }

  @Override
  public String database() {
    return settings.database();
  }

  @Override
  public String login() {
    return settings.login();
  }

  @Override
  public String password() {
    return settings.password().orElseThrow().reveal();
  }

  @Override
  public List<Long> prepare(int changes) {
    List<Long> found =
        odoo.search(
            "crm.lead",
            List.of(List.of("name", "=like", LEAD + "%")),
            SearchOptions.ALL.withOrder("id"));
    List<Long> all = new ArrayList<>(found);
    for (int made = all.size(); made < changes; made += 500) {
      List<Map<String, Object>> batch = new ArrayList<>();
      for (int i = made; i < Math.min(changes, made + 500); i++) {
        batch.add(Map.of("name", LEAD + i, "type", "lead"));
      }
      all.addAll(odoo.createMany("crm.lead", batch));
      System.err.printf("# %d of %d chaos leads made%n", all.size(), changes);
    }
    ids = List.copyOf(all.subList(0, changes));
    dropStaleRows();
    template = template();
    List<Long> last =
        odoo.search("mail.message", List.of(), SearchOptions.limit(1).withOrder("id desc"));
    messagesAfter = last.isEmpty() ? 0 : last.get(0);
    List<Long> outbox =
        odoo.search("sidecar.outbox", List.of(), SearchOptions.limit(1).withOrder("id desc"));
    outboxAfter = outbox.isEmpty() ? 0 : outbox.get(0);
    return ids;
  }

  /**
   * Removes the outbox rows of crm.lead not yet delivered: those of an earlier run whose sidecars
   * are gone, which the addon would otherwise deliver to this run's cluster, to be counted as this
   * run's effects.
   */
  private void dropStaleRows() {
    List<Long> stale =
        odoo.search(
            "sidecar.outbox",
            List.of(List.of("state", "=", "pending"), List.of("model_name", "=", "crm.lead")));
    if (!stale.isEmpty()) {
      odoo.unlink("sidecar.outbox", stale);
      System.err.printf("# %d outbox rows of an earlier run removed, undelivered%n", stale.size());
    }
  }

  @Override
  public List<String> notes() {
    List<OdooRecord> rows =
        odoo.searchRead(
            "sidecar.outbox",
            List.of(List.of("id", ">", outboxAfter), List.of("model_name", "=", "crm.lead")),
            List.of("create_date", "sent_at", "attempts", "state"),
            SearchOptions.ALL);
    List<Long> waits = new ArrayList<>();
    int retried = 0;
    int pending = 0;
    for (OdooRecord row : rows) {
      Object sent = row.values().get("sent_at");
      if (!(sent instanceof String at)) {
        pending++;
        continue;
      }
      Instant made = ValueCodec.parseDateTime(String.valueOf(row.values().get("create_date")));
      waits.add(Duration.between(made, ValueCodec.parseDateTime(at)).toSeconds());
      if (ValueCodec.asLong(row.values().get("attempts")) > 1) {
        retried++;
      }
    }
    java.util.Collections.sort(waits);
    return List.of(
        String.format(
            "addon delivery: %d outbox rows, made to sent p50 %d s, p90 %d s, max %d s; %d tried"
                + " more than once, %d not sent",
            rows.size(),
            waits.isEmpty() ? 0 : waits.get(waits.size() / 2),
            waits.isEmpty() ? 0 : waits.get((int) (waits.size() * 0.9)),
            waits.isEmpty() ? 0 : waits.get(waits.size() - 1),
            retried,
            pending));
  }

  /** The note template, made once: its body names the record. */
  private long template() {
    List<Long> found =
        odoo.search("mail.template", List.of(List.of("name", "=", "sidecar chaos note")));
    if (!found.isEmpty()) {
      return found.get(0);
    }
    long model = odoo.search("ir.model", List.of(List.of("model", "=", "crm.lead"))).get(0);
    return odoo.create(
        "mail.template",
        Map.of(
            "name",
            "sidecar chaos note",
            "model_id",
            model,
            "subject",
            "chaos {{ object.id }}",
            "body_html",
            "<p>" + MARK + " <t t-out=\"object.id\"/></p>"));
  }

  @Override
  public String rules(String hookUrl) {
    return ChaosRules.yaml(FIELD, "[('name', '=like', '" + LEAD + "%')]", template, hookUrl);
  }

  @Override
  public void connect(Cluster cluster) throws InterruptedException {
    AddonWait.registered(odoo, cluster.urls(), "crm.lead", Duration.ofMinutes(2));
  }

  @Override
  public Instant change(long id, int seq) throws InterruptedException {
    String value = "chaos " + run + " " + seq;
    while (true) {
      try {
        odoo.write("crm.lead", List.of(id), Map.of(FIELD, value));
        return Instant.now();
      } catch (OdooException e) {
        Thread.sleep(1_000); // Odoo or its database away: try again, unless the write was made
        if (written(id, value)) {
          return Instant.now();
        }
      }
    }
  }

  /**
   * Whether the record holds the value (a write that failed after its commit); false if unknown.
   */
  private boolean written(long id, String value) {
    try {
      List<OdooRecord> rows = odoo.read("crm.lead", List.of(id), List.of(FIELD));
      return !rows.isEmpty() && value.equals(rows.get(0).values().get(FIELD));
    } catch (OdooException e) {
      return false;
    }
  }

  @Override
  public Map<Long, List<Instant>> messages() {
    Map<Long, List<Instant>> out = new TreeMap<>();
    List<OdooRecord> rows =
        odoo.searchRead(
            "mail.message",
            List.of(
                List.of("model", "=", "crm.lead"),
                List.of("res_id", "in", ids),
                List.of("id", ">", messagesAfter),
                List.of("body", "ilike", MARK)),
            List.of("res_id", "create_date"),
            SearchOptions.ALL);
    for (OdooRecord row : rows) {
      long id = ValueCodec.asLong(row.values().get("res_id"));
      Instant at = ValueCodec.parseDateTime(String.valueOf(row.values().get("create_date")));
      out.computeIfAbsent(id, k -> new ArrayList<>()).add(at);
    }
    return out;
  }

  @Override
  public void restartOdoo() throws Exception {
    String devOdoo = System.getProperty("harness.devOdoo", "scripts/dev-odoo");
    Processes.run(project, Duration.ofMinutes(2), devOdoo, "stop");
    // a session of its own: Odoo outlives the harness and its process group
    Processes.run(project, Duration.ofMinutes(15), "setsid", devOdoo, "start");
  }

  @Override
  public void close() {
    odoo.close();
  }
}
