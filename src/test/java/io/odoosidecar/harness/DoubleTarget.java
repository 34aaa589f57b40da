package io.odoosidecar.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A chaos run on the HTTP Odoo double: each change is written in the double and pushed as the addon
 * would push it, to the first instance that stores it; the messages are those the double saw
 * posted. Restarting Odoo stops the double's listener for a few seconds.
 */
final class DoubleTarget implements ChaosTarget {
  static final String DATABASE = "odoo";
  static final String PASSWORD = "admin";

  private final HttpOdoo odoo;
  private final String secret;
  private Changes changes;

  /**
   * @param records how many records the double holds (one per change)
   * @param latency each call's latency
   */
  DoubleTarget(int records, Duration latency, String secret) {
    this.odoo = new HttpOdoo(DATABASE, PASSWORD, records, latency, 0).start();
    this.secret = secret;
  }

  HttpOdoo odoo() {
    return odoo;
  }

  @Override
  public String odooUrl() {
    return odoo.url();
  }

  @Override
  public String database() {
    return DATABASE;
  }

  @Override
  public String login() {
    return "admin";
  }

  @Override
  public String password() {
    return PASSWORD;
  }

  @Override
  public List<Long> prepare(int count) {
    List<Long> ids = new ArrayList<>();
    for (long id = HttpOdoo.FIRST_ID; id < HttpOdoo.FIRST_ID + count; id++) {
      ids.add(id);
    }
    return ids;
  }

  @Override
  public String rules(String hookUrl) {
    return ChaosRules.yaml("description", "", 1, hookUrl);
  }

  @Override
  public void connect(Cluster cluster) {
    changes =
        new Changes(odoo, new Pusher(cluster::urls, DATABASE, secret, Duration.ofMinutes(10)), 1);
  }

  @Override
  public Instant change(long id, int seq) {
    Map<String, Object> event = changes.change(id, "chaos " + seq);
    Instant written = Instant.now();
    changes.pusher().push(List.of(event));
    return written;
  }

  @Override
  public Map<Long, List<Instant>> messages() {
    Map<Long, List<Instant>> out = new TreeMap<>();
    odoo.effects()
        .messages()
        .forEach((id, list) -> out.put(id, list.stream().map(DoubleEffects.Message::at).toList()));
    return out;
  }

  @Override
  public void restartOdoo() throws InterruptedException {
    odoo.restart(Duration.ofSeconds(5));
  }

  @Override
  public void close() {
    odoo.close();
  }
}
