package io.odoosidecar.harness;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The Odoo a chaos run makes its changes in and counts its messages on: a live Odoo with the
 * sidecar_bridge addon pushing ({@link LiveTarget}), or the HTTP Odoo double with the harness
 * pushing as the addon would ({@link DoubleTarget}).
 */
interface ChaosTarget extends AutoCloseable {
  /** What the cluster's instances connect to. */
  String odooUrl();

  String database();

  String login();

  String password();

  /** The records to change, one per change (made or found). */
  List<Long> prepare(int changes) throws Exception;

  /** The rules file: a message posted and a request to {@code hookUrl} per change. */
  String rules(String hookUrl);

  /** Once the cluster runs: waits until the changes reach it (the addon registered, say). */
  void connect(Cluster cluster) throws Exception;

  /**
   * Makes change number {@code seq} on record {@code id}, as a user would, and returns once it is
   * committed (retrying while Odoo is away, never making it twice).
   */
  Instant change(long id, int seq) throws Exception;

  /** The messages the rules posted since {@link #prepare}, by record: their times. */
  Map<Long, List<Instant>> messages() throws Exception;

  /** What the target can tell of the run besides the effects (the addon's delivery, say). */
  default List<String> notes() throws Exception {
    return List.of();
  }

  /** Stops Odoo and starts it again; returns when it answers. */
  void restartOdoo() throws Exception;

  @Override
  void close();
}
