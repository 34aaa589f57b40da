package io.odoosidecar.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.action.PostKeys;
import io.odoosidecar.script.CallJournal;
import io.odoosidecar.store.JournaledCalls;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link CallJournal} of one attempt of one action on some records, kept in {@link
 * JournaledCalls}: the calls earlier attempts made for these records' events are loaded when the
 * attempt starts, and each call this attempt makes is written down before the code goes on.
 *
 * <p>A call is written down under the events of the records it names when it is a method called on
 * some of the action's own records ({@code message_post} on one lead: that lead's event), and under
 * all the attempt's events otherwise ({@code create} of a task): a later attempt for any of those
 * events finds it.
 *
 * <p>A call that posts a message carries a key ({@link #postKey}) of its action, the events it is
 * written down under, its text, and the number of identical calls the attempt asked for before it
 * (answered from the journal or not): a post Odoo made just before the sidecar stopped, not yet
 * written down here, is asked again under the same key and Odoo answers the first message.
 */
final class ActionJournal implements CallJournal {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JournaledCalls calls;
  private final String actionKey;
  private final String model;
  private final Map<Long, Long> eventOf;
  private final Map<String, Deque<String>> earlier = new HashMap<>();
  private final Map<String, Integer> asked = new HashMap<>();
  private final PostKeys keys;

  /**
   * @param eventOf the event of each record the attempt runs on
   * @param keys the posts' keys of the firing
   */
  ActionJournal(
      JournaledCalls calls,
      String actionKey,
      String model,
      Map<Long, Long> eventOf,
      PostKeys keys) {
    this.calls = calls;
    this.actionKey = actionKey;
    this.model = model;
    this.eventOf = eventOf;
    this.keys = keys;
    for (JournaledCalls.Call call : calls.journal(actionKey, eventOf.values())) {
      earlier.computeIfAbsent(call.callKey(), k -> new ArrayDeque<>()).add(call.answer());
    }
  }

  /** The journal of an action run on {@code target}'s records, its posts keyed by {@code keys}. */
  static ActionJournal of(
      JournaledCalls calls, io.odoosidecar.action.ActionTarget target, PostKeys keys) {
    Map<Long, Long> events = new HashMap<>();
    for (Long id : target.ids()) {
      Long event = target.eventOf().get(id);
      if (event != null) {
        events.put(id, event);
      }
    }
    return new ActionJournal(
        calls, target.rule().name() + "#" + target.index(), target.model(), events, keys);
  }

  @Override
  public Optional<String> replay(String call) {
    String digest = digest(call);
    asked.merge(digest, 1, Integer::sum);
    Deque<String> answers = earlier.get(digest);
    return answers == null ? Optional.empty() : Optional.ofNullable(answers.poll());
  }

  @Override
  public Optional<String> postKey(String call) {
    if (eventOf.isEmpty()) {
      return Optional.empty();
    }
    String digest = digest(call);
    int before = asked.getOrDefault(digest, 1) - 1;
    return keys.forCall(actionKey, events(call), digest, before);
  }

  @Override
  public void made(String call, String answer) {
    if (eventOf.isEmpty()) {
      return;
    }
    calls.journalCall(actionKey, events(call), digest(call), answer);
  }

  /** The events a call belongs to: those of the action's records it is called on, or all. */
  private Collection<Long> events(String call) {
    try {
      List<?> parts = JSON.readValue(call, List.class);
      if (model.equals(parts.get(0))
          && parts.get(2) instanceof List<?> args
          && !args.isEmpty()
          && args.get(0) instanceof List<?> ids
          && !ids.isEmpty()) {
        Set<Long> events = new LinkedHashSet<>();
        for (Object id : ids) {
          Long event = id instanceof Number n ? eventOf.get(n.longValue()) : null;
          if (event == null) {
            return eventOf.values(); // not only the action's records
          }
          events.add(event);
        }
        return new ArrayList<>(events);
      }
    } catch (JsonProcessingException | RuntimeException notARecordCall) {
      // written down under all the events
    }
    return eventOf.values();
  }

  private static String digest(String call) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(call.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
