package io.odoosidecar.harness;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the sidecar did to the HTTP Odoo double, per record: the writes it made (each record's
 * times) and the messages it posted. The harness counts effects here rather than in Odoo's own
 * tables, so that a record written twice or a message posted twice shows as such.
 */
public final class DoubleEffects {
  /** One message posted on a record, and when. */
  public record Message(String model, long recordId, String kind, Instant at) {}

  private final Map<String, Map<Long, List<Instant>>> writes = new ConcurrentHashMap<>();
  private final Map<Long, List<Message>> messages = new ConcurrentHashMap<>();

  void wrote(String model, List<Long> ids, Instant at) {
    Map<Long, List<Instant>> byRecord =
        writes.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
    for (Long id : ids) {
      byRecord.computeIfAbsent(id, i -> new CopyOnWriteArrayList<>()).add(at);
    }
  }

  void posted(String model, List<Long> ids, String kind, Instant at) {
    for (Long id : ids) {
      messages
          .computeIfAbsent(id, i -> new CopyOnWriteArrayList<>())
          .add(new Message(model, id, kind, at));
    }
  }

  /** The times each record of {@code model} was written over RPC, by record (a copy). */
  public Map<Long, List<Instant>> writes(String model) {
    Map<Long, List<Instant>> out = new java.util.TreeMap<>();
    writes
        .getOrDefault(model, Map.of())
        .forEach((id, times) -> out.put(id, new ArrayList<>(times)));
    return out;
  }

  /** How many distinct records of {@code model} were written over RPC. */
  public int recordsWritten(String model) {
    return writes.getOrDefault(model, Map.of()).size();
  }

  /** The messages posted, by record (a copy). */
  public Map<Long, List<Message>> messages() {
    Map<Long, List<Message>> out = new java.util.TreeMap<>();
    messages.forEach((id, list) -> out.put(id, new ArrayList<>(list)));
    return out;
  }

  /** Forgets every effect (between the rounds of a bench). */
  public void clear() {
    writes.clear();
    messages.clear();
  }
}
