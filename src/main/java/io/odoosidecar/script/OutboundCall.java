package io.odoosidecar.script;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.odoo.ValueCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A code action's {@code env['bj.api.sync.config']._make_outbound_http_request(...)}, as the ORM
 * proxy sends it (model {@value #MODEL}, method {@value #METHOD}, keyword arguments {@code model},
 * {@code ids}, {@code config_id_ref}, {@code timeout} in seconds), carried to an {@link
 * OutboundSync}; the answer, in JSON, is {@code {"records": [{"id", "success", "status_code",
 * "response", "error"}, ...]}} in the order of the ids, or {@code {"error": message}}, which the
 * proxy raises as a {@code UserError}.
 *
 * <p>Implementation notes. Sending changes the outside world, so the call is counted as a change
 * and journaled as the ORM calls that change data are, record by record: a record an earlier
 * attempt sent successfully is answered from the {@link CallJournal} and not sent again; a record
 * that failed is not written down, so that the next attempt sends it again (the sync's
 * Idempotency-Key keeps a far side that honours it from taking it twice when the failure came after
 * the far side did). A record's journal entry is {@code [model, method, [[id]], {"config_id_ref":
 * ref}]}: the time-out is left out, it changes nothing of what is sent.
 */
final class OutboundCall {
  /** The model BJET's module defines: the sidecar answers for it whether it is installed or not. */
  static final String MODEL = "bj.api.sync.config";

  /** The method code actions call on it. */
  static final String METHOD = "_make_outbound_http_request";

  private static final Logger LOG = LoggerFactory.getLogger(OutboundCall.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OutboundSync sync;
  private final AtomicInteger changes;
  private final CallJournal journal;

  OutboundCall(OutboundSync sync, AtomicInteger changes, CallJournal journal) {
    this.sync = sync;
    this.changes = changes;
    this.journal = journal;
  }

  /** Whether an ORM proxy's call is this one. */
  static boolean is(String model, String method) {
    return MODEL.equals(model) && METHOD.equals(method);
  }

  /** The answer to the call, in JSON (never a failure: a failure is answered as an error). */
  String answer(Map<String, Object> kwargs) {
    if (sync == OutboundSync.NONE) {
      return error("no outbound API sync is configured in the sidecar");
    }
    Request request;
    try {
      request = Request.of(kwargs);
    } catch (IllegalArgumentException e) {
      return error(e.getMessage());
    }
    try {
      return JSON.writeValueAsString(Map.of("records", send(request)));
    } catch (JsonProcessingException e) {
      return error("cannot encode the sync's answer: " + e.getMessage());
    } catch (RuntimeException e) { // the sync's own failure: the code may catch it
      LOG.info("{}.{} failed: {}", MODEL, METHOD, e.toString());
      return error(String.valueOf(e.getMessage()));
    }
  }

  private List<Map<String, Object>> send(Request request) throws JsonProcessingException {
    Map<Long, Map<String, Object>> byId = new LinkedHashMap<>();
    List<Long> missing = new ArrayList<>();
    for (Long id : request.ids()) {
      Optional<String> done = journal.replay(request.key(id));
      if (done.isPresent()) {
        byId.put(id, ValueCodec.asMap(JSON.readValue(done.get(), Map.class)));
      } else {
        byId.put(id, null);
        missing.add(id);
      }
    }
    if (missing.isEmpty()) {
      LOG.debug("{}.{} was made by an earlier attempt: answered from the journal", MODEL, METHOD);
    } else {
      changes.incrementAndGet(); // counted when asked: a call that failed may have sent some
      List<OutboundSync.Answer> answers =
          sync.call(request.model(), missing, request.configRef(), request.timeout());
      for (OutboundSync.Answer answer :
          answers == null ? List.<OutboundSync.Answer>of() : answers) {
        if (byId.containsKey(answer.id()) && byId.get(answer.id()) == null) {
          byId.put(answer.id(), encode(answer));
          if (answer.success()) {
            journal.made(request.key(answer.id()), JSON.writeValueAsString(encode(answer)));
          }
        }
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    byId.forEach((id, answer) -> out.add(answer != null ? answer : unanswered(id)));
    return out;
  }

  private static Map<String, Object> encode(OutboundSync.Answer answer) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", answer.id());
    out.put("success", answer.success());
    out.put("status_code", answer.statusCode());
    out.put("response", answer.response());
    out.put("error", answer.error());
    return out;
  }

  private static Map<String, Object> unanswered(long id) {
    return encode(new OutboundSync.Answer(id, false, 0, null, "the sync gave no answer for it"));
  }

  private static String error(String message) {
    try {
      return JSON.writeValueAsString(Map.of("error", MODEL + "." + METHOD + ": " + message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a message is always JSON", e);
    }
  }

  /** The call's arguments as the ORM proxy sent them, checked. */
  record Request(String model, List<Long> ids, Object configRef, Duration timeout) {
    static Request of(Map<String, Object> kwargs) {
      Object model = kwargs.get("model");
      return new Request(
          model == null ? null : String.valueOf(model),
          ids(kwargs.get("ids")),
          configRef(kwargs.get("config_id_ref")),
          timeout(kwargs.get("timeout")));
    }

    private static List<Long> ids(Object ids) {
      if (!(ids instanceof List<?> list) || list.isEmpty()) {
        throw new IllegalArgumentException("record_ids: no record to send");
      }
      return List.copyOf(new LinkedHashSet<>(ValueCodec.asIds(list)));
    }

    private static Object configRef(Object ref) {
      if (ref instanceof Number n) {
        return n.longValue();
      }
      if (ref instanceof String s && !s.isBlank()) {
        return s;
      }
      throw new IllegalArgumentException(
          "config_id_ref: a config's name, id or external id is needed, not " + ref);
    }

    private static Duration timeout(Object seconds) {
      if (seconds == null) {
        return null;
      }
      if (seconds instanceof Number n && n.doubleValue() > 0) {
        return Duration.ofMillis(Math.round(n.doubleValue() * 1000));
      }
      throw new IllegalArgumentException("timeout: a number of seconds, not " + seconds);
    }

    /** A record's entry in the journal. */
    String key(long id) {
      try {
        return JSON.writeValueAsString(
            List.of(
                model == null ? MODEL : model,
                METHOD,
                List.of(List.of(id)),
                Map.of("config_id_ref", configRef)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a call's key is always JSON", e);
      }
    }
  }
}
