package io.odoosidecar.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The changes a user makes in the HTTP Odoo double, and the addon's pushes of them: each change
 * writes a new {@code description} on one record (in the double, as Odoo's own write would) and its
 * event goes out in a push of several changes, as the addon groups the rows of its outbox.
 */
public final class Changes {
  private final HttpOdoo odoo;
  private final Pusher pusher;
  private final AtomicLong outbox;

  /**
   * @param firstOutbox the outbox id of the first change (ids then follow, one per change)
   */
  public Changes(HttpOdoo odoo, Pusher pusher, long firstOutbox) {
    this.odoo = odoo;
    this.pusher = pusher;
    this.outbox = new AtomicLong(firstOutbox);
  }

  /** The pusher the changes' events go out with. */
  public Pusher pusher() {
    return pusher;
  }

  /**
   * Changes each record once ({@code description = text + id}) and pushes their events, {@code
   * perPush} changes a push, from {@code threads} threads at once; returns when every push was
   * stored.
   */
  public void changeAndPush(List<Long> ids, String text, int perPush, int threads)
      throws Exception {
    List<List<Map<String, Object>>> pushes = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += perPush) {
      List<Map<String, Object>> events = new ArrayList<>();
      for (Long id : ids.subList(from, Math.min(ids.size(), from + perPush))) {
        events.add(change(id, text + id));
      }
      pushes.add(events);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> sent = new ArrayList<>();
      for (List<Map<String, Object>> events : pushes) {
        sent.add(pool.submit(() -> pusher.push(events)));
      }
      for (Future<?> one : sent) {
        one.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Writes the record in the double and gives the event the addon would push for it. */
  public Map<String, Object> change(long id, String description) {
    Map<String, Object> record = odoo.memory().records(HttpOdoo.MODEL).get(id);
    Object old;
    String writeDate = odoo.now();
    synchronized (record) {
      old = record.get("description");
      record.put("description", description);
      record.put("write_date", writeDate);
    }
    return Pusher.write(
        outbox.getAndIncrement(), HttpOdoo.MODEL, id, "description", old, writeDate);
  }
}
