package io.odoosidecar.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.SidecarException;
import io.odoosidecar.domain.Domain;
import io.odoosidecar.domain.DomainEngine;
import io.odoosidecar.domain.DomainExpression;
import io.odoosidecar.domain.RecordStore;
import io.odoosidecar.domain.Schema;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.store.EventLog;
import io.odoosidecar.store.PollState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Finds changes by polling, for servers without the addon and as a safety net beside it: per model
 * with rules, {@code search_read} on {@code write_date} from a cursor, paged by {@code id}, and
 * deletions found by comparing id sets.
 *
 * <p>Implementation notes. Odoo answers {@code write_date} to the second while it stores
 * microseconds, and stamps a record with its transaction's start, so a change can commit after
 * later ones were seen. Each pass therefore reads every record with {@code write_date} from the
 * cursor minus an overlap (paged by {@code id}, a stable key, so records written in the same second
 * are never skipped), and tells new changes by comparing each record's {@code write_date} with the
 * snapshot the sidecar kept: equal, with equal values, means already seen. The snapshot (the fields
 * the rules' watched fields and domains need) gives the old values of the next change. The first
 * pass of a model only takes snapshots: it fires nothing for the past. What polling cannot see: the
 * states between two passes (two writes in one interval are one change, from the first old values
 * to the last new ones), a second write within the same second as one already seen when it changes
 * none of the snapshot's fields, a record created and deleted between two passes, and who made a
 * change (the context); the sidecar's own writes are recognised through {@link Echoes}.
 */
public final class Poller {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param batchSize records per call
   * @param overlap how far before the cursor each pass reads again
   * @param deletionInterval how often deletions are looked for
   */
  public record Settings(int batchSize, Duration overlap, Duration deletionInterval) {}

  private final String database;
  private final OdooClient client;
  private final EventLog log;
  private final PollState state;
  private final Supplier<? extends Collection<Rule>> rules;
  private final Settings settings;
  private final Clock clock;
  private final Echoes echoes;
  private final Map<String, Instant> lastDeletionCheck = new HashMap<>();

  private volatile PipelineListener listener = PipelineListener.NONE;

  /** Tells {@code listener} of the events each pass stored. */
  public Poller withListener(PipelineListener listener) {
    this.listener = java.util.Objects.requireNonNull(listener, "listener");
    return this;
  }

  /** Stores the events found; answers how many were new. */
  private int stored(List<EventLog.NewEvent> events) {
    java.time.Instant now = clock.instant();
    List<EventLog.Event> stored = log.appendEvents(events, now);
    Received.tell(listener, "poll", stored, e -> null, now);
    return stored.size();
  }

  /**
   * @param log where the changes found are stored
   * @param state where the cursors and snapshots are kept
   */
  public Poller(
      String database,
      OdooClient client,
      EventLog log,
      PollState state,
      Supplier<? extends Collection<Rule>> rules,
      Settings settings,
      Clock clock,
      Echoes echoes) {
    this.database = database;
    this.client = client.withContext(Map.of("active_test", false));
    this.log = log;
    this.state = state;
    this.rules = rules;
    this.settings = settings;
    this.clock = clock;
    this.echoes = echoes;
  }

  /** The models the rules watch, in rule order. */
  public Set<String> models() {
    Set<String> out = new LinkedHashSet<>();
    for (Rule rule : rules.get()) {
      if (rule.active()) {
        out.add(rule.model());
      }
    }
    return out;
  }

  /** One pass over a model; returns the number of events stored. */
  public int poll(String model) {
    List<String> fields = snapshotFields(model);
    PollState.Cursor cursor = state.cursor(database, model).orElse(null);
    if (cursor == null) {
      initialize(model, fields);
      return 0;
    }
    String start = shift(cursor.writeDate(), settings.overlap().negated());
    int stored = 0;
    String maxWriteDate = cursor.writeDate();
    long maxId = cursor.recordId();
    long lastId = 0;
    while (true) {
      List<Object> domain = new ArrayList<>();
      domain.add(List.of("write_date", ">=", start));
      domain.add(List.of("id", ">", lastId));
      List<OdooRecord> page =
          client.searchRead(
              model, domain, fields, new SearchOptions(0, settings.batchSize(), "id asc"));
      if (page.isEmpty()) {
        break;
      }
      Map<Long, Map<String, Object>> snapshots = new LinkedHashMap<>();
      List<EventLog.NewEvent> events = new ArrayList<>();
      Map<Long, String> known =
          state.snapshots(database, model, page.stream().map(r -> id(r.values())).toList());
      for (OdooRecord record : page) {
        Map<String, Object> now = record.values();
        long id = id(now);
        lastId = Math.max(lastId, id);
        String writeDate = String.valueOf(now.get("write_date"));
        if (writeDate.compareTo(maxWriteDate) > 0
            || (writeDate.equals(maxWriteDate) && id > maxId)) {
          maxWriteDate = writeDate;
          maxId = id;
        }
        Map<String, Object> before = known.containsKey(id) ? parse(known.get(id)) : null;
        if (before != null
            && Objects.equals(before.get("write_date"), writeDate)
            && same(before, now)) {
          continue; // seen already
        }
        snapshots.put(id, now);
        events.add(change(model, id, before, now, cursor.writeDate()));
      }
      stored += stored(events);
      state.save(database, model, null, json(snapshots), List.of());
      if (page.size() < settings.batchSize()) {
        break;
      }
    }
    state.save(database, model, new PollState.Cursor(maxWriteDate, maxId), Map.of(), List.of());
    Instant lastCheck = lastDeletionCheck.get(model);
    if (lastCheck == null
        || !lastCheck.plus(settings.deletionInterval()).isAfter(clock.instant())) {
      stored += deletions(model);
      lastDeletionCheck.put(model, clock.instant());
    }
    return stored;
  }

  private EventLog.NewEvent change(
      String model, long id, Map<String, Object> before, Map<String, Object> now, String since) {
    String writeDate = String.valueOf(now.get("write_date"));
    String operation;
    List<String> fields = new ArrayList<>();
    Map<String, Object> old = new LinkedHashMap<>();
    if (before == null) {
      Object created = now.get("create_date");
      operation = created instanceof String c && c.compareTo(since) >= 0 ? "create" : "write";
      if (operation.equals("write")) {
        fields.add("write_date"); // a change the sidecar has no old values for
      }
    } else {
      operation = "write";
      for (Map.Entry<String, Object> e : now.entrySet()) {
        String field = e.getKey();
        if (!field.equals("id")
            && !field.equals("write_date")
            && !io.odoosidecar.rule.RuleMatcher.same(before.get(field), e.getValue())) {
          fields.add(field);
        }
      }
      if (fields.isEmpty()) {
        fields.add("write_date"); // fields the rules do not look at changed
      }
      before.forEach(
          (field, value) -> {
            if (!field.equals("id")) {
              old.put(field, value);
            }
          });
    }
    Map<String, Object> values = new LinkedHashMap<>(now);
    values.remove("id");
    Echoes.Echo echo = echoes == null ? null : echoes.take(database, model, id);
    long uid = now.get("write_uid") instanceof List<?> user ? ValueCodec.asLong(user.get(0)) : 0;
    ChangePayload payload =
        new ChangePayload(
            operation,
            operation.equals("create") ? List.of() : fields,
            old,
            values,
            uid,
            writeDate,
            "poll",
            0,
            echo == null ? List.of() : echo.chain(),
            echo == null ? 0 : echo.depth(),
            Map.of(),
            null);
    // a second change within the second of one already seen gets its own key and version
    String version =
        before != null && writeDate.equals(before.get("write_date"))
            ? writeDate + "#" + Integer.toHexString(values.hashCode())
            : writeDate;
    return new EventLog.NewEvent(
        database,
        "poll:" + model + ":" + id + ":" + version,
        model,
        id,
        operation,
        payload.toJson(),
        version);
  }

  /** The first pass: snapshots of every record, the cursor at the newest; nothing fires. */
  private void initialize(String model, List<String> fields) {
    String maxWriteDate = "1970-01-01 00:00:00";
    long maxId = 0;
    long lastId = 0;
    while (true) {
      List<OdooRecord> page =
          client.searchRead(
              model,
              List.of(List.of("id", ">", lastId)),
              fields,
              new SearchOptions(0, settings.batchSize(), "id asc"));
      Map<Long, Map<String, Object>> snapshots = new LinkedHashMap<>();
      for (OdooRecord record : page) {
        long id = id(record.values());
        lastId = Math.max(lastId, id);
        snapshots.put(id, record.values());
        String writeDate = String.valueOf(record.values().get("write_date"));
        if (writeDate.compareTo(maxWriteDate) > 0
            || (writeDate.equals(maxWriteDate) && id > maxId)) {
          maxWriteDate = writeDate;
          maxId = id;
        }
      }
      state.save(database, model, null, json(snapshots), List.of());
      if (page.size() < settings.batchSize()) {
        break;
      }
    }
    state.save(database, model, new PollState.Cursor(maxWriteDate, maxId), Map.of(), List.of());
    lastDeletionCheck.put(model, clock.instant());
  }

  /** Records the sidecar has snapshots of and Odoo no longer has: unlink events. */
  private int deletions(String model) {
    Set<Long> present = new TreeSet<>();
    long lastId = 0;
    while (true) {
      List<Long> page =
          client.search(
              model, List.of(List.of("id", ">", lastId)), new SearchOptions(0, 10_000, "id asc"));
      present.addAll(page);
      if (page.size() < 10_000) {
        break;
      }
      lastId = page.get(page.size() - 1);
    }
    Map<Long, String> known = state.snapshots(database, model, null);
    List<EventLog.NewEvent> events = new ArrayList<>();
    List<Long> gone = new ArrayList<>();
    for (Map.Entry<Long, String> e : known.entrySet()) {
      if (present.contains(e.getKey())) {
        continue;
      }
      gone.add(e.getKey());
      Map<String, Object> old = parse(e.getValue());
      old.remove("id");
      ChangePayload payload =
          new ChangePayload(
              "unlink", List.of(), old, Map.of(), 0, null, "poll", 0, List.of(), 0, Map.of(), null);
      events.add(
          new EventLog.NewEvent(
              database,
              "poll:" + model + ":" + e.getKey() + ":unlink",
              model,
              e.getKey(),
              "unlink",
              payload.toJson()));
    }
    int stored = stored(events);
    state.save(database, model, null, Map.of(), gone);
    return stored;
  }

  /**
   * The fields a model's snapshots keep: the rules' watched fields and the model's own fields their
   * domains read, with {@code write_date}, {@code create_date} and {@code write_uid}.
   */
  List<String> snapshotFields(String model) {
    Set<String> fields = new TreeSet<>(List.of("write_date", "create_date", "write_uid"));
    Schema schema = Schema.lazy(client::fieldsGet);
    DomainExpression.Context context = DomainExpression.Context.of(0, clock.instant(), xmlId -> 0L);
    for (Rule rule : rules.get()) {
      if (!rule.active() || !rule.model().equals(model)) {
        continue;
      }
      fields.addAll(rule.triggerFields());
      for (String text : new String[] {rule.filterDomain(), rule.filterPreDomain()}) {
        if (text != null && !text.isBlank()) {
          Domain domain = DomainExpression.evaluate(text, context);
          fields.addAll(
              new DomainEngine(schema, RecordStore.of(Map.of()))
                  .requirements(model, domain)
                  .getOrDefault(model, Set.of()));
        }
      }
    }
    fields.retainAll(client.fieldsGet(model).keySet());
    fields.remove("id");
    return new ArrayList<>(fields);
  }

  /** An Odoo date-time text moved by a duration. */
  static String shift(String writeDate, Duration by) {
    LocalDateTime time = LocalDateTime.parse(writeDate.substring(0, 19).replace(' ', 'T')).plus(by);
    return String.format(
        "%04d-%02d-%02d %02d:%02d:%02d",
        time.getYear(),
        time.getMonthValue(),
        time.getDayOfMonth(),
        time.getHour(),
        time.getMinute(),
        time.getSecond());
  }

  /** Whether two snapshots hold the same values (a change within the second shows here). */
  private static boolean same(Map<String, Object> before, Map<String, Object> now) {
    for (Map.Entry<String, Object> e : now.entrySet()) {
      if (!io.odoosidecar.rule.RuleMatcher.same(before.get(e.getKey()), e.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static long id(Map<String, Object> record) {
    return ValueCodec.asLong(record.get("id"));
  }

  private static Map<Long, String> json(Map<Long, Map<String, Object>> snapshots) {
    Map<Long, String> out = new LinkedHashMap<>();
    snapshots.forEach(
        (id, values) -> {
          try {
            out.put(id, JSON.writeValueAsString(values));
          } catch (JsonProcessingException e) {
            throw new SidecarException("cannot store a snapshot: " + e.getMessage(), e);
          }
        });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String json) {
    try {
      return new LinkedHashMap<>(JSON.readValue(json, Map.class));
    } catch (JsonProcessingException e) {
      throw new SidecarException("unreadable snapshot: " + e.getMessage(), e);
    }
  }
}
