package io.odoosidecar.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The posts' keys: the same for a run done again, different for anything else. */
class PostKeysTest {
  static final Map<String, Object> ACTION = Map.of("state", "mail_post", "template_id", 15);

  static ActionTarget target(String rule, String index, Map<Long, Long> eventOf) {
    Rule r =
        new Rule(
            rule,
            "crm.lead",
            true,
            Trigger.ON_WRITE,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(ACTION));
    return new ActionTarget(r, index, ACTION, "crm.lead", List.copyOf(eventOf.keySet()), eventOf);
  }

  static PostKeys on(String database) {
    return PostKeys.of(database, () -> true);
  }

  @Test
  void aRecordsKeyIsTheSameForTheSameEventRuleActionAndRecordEachTimeItIsMade() {
    String first = on("db").forRecord(target("R", "0", Map.of(1L, 42L)), 1L).orElseThrow();
    String again = on("db").forRecord(target("R", "0", Map.of(1L, 42L, 2L, 43L)), 1L).orElseThrow();
    assertThat(again).as("another batch around the same event").isEqualTo(first);
    assertThat(first).matches("sp1-[0-9a-f]{64}").hasSizeLessThanOrEqualTo(255);
  }

  @Test
  void aRecordsKeyDiffersByDatabaseEventRuleActionAndRecord() {
    Map<Long, Long> events = Map.of(1L, 42L, 2L, 43L);
    Set<String> keys = new HashSet<>();
    keys.add(on("db").forRecord(target("R", "0", events), 1L).orElseThrow());
    keys.add(on("other").forRecord(target("R", "0", events), 1L).orElseThrow());
    keys.add(on("db").forRecord(target("R", "0", Map.of(1L, 44L)), 1L).orElseThrow());
    keys.add(on("db").forRecord(target("S", "0", events), 1L).orElseThrow());
    keys.add(on("db").forRecord(target("R", "1", events), 1L).orElseThrow());
    keys.add(on("db").forRecord(target("R", "0.1", events), 1L).orElseThrow());
    keys.add(on("db").forRecord(target("R", "0", events), 2L).orElseThrow());
    assertThat(keys).hasSize(7);
  }

  @Test
  void aCallsKeyDiffersByItsTextItsPlaceAmongIdenticalCallsItsEventsAndItsAction() {
    PostKeys keys = on("db");
    String call = "[\"crm.lead\",\"message_post\",[[1]],{\"body\":\"x\"}]";
    String first = keys.forCall("R#0", List.of(42L, 43L), call, 0).orElseThrow();
    assertThat(on("db").forCall("R#0", List.of(43L, 42L), call, 0))
        .as("the same call of a run done again, its events in another order")
        .contains(first);
    Set<String> all = new HashSet<>();
    all.add(first);
    all.add(keys.forCall("R#0", List.of(42L, 43L), call, 1).orElseThrow());
    all.add(keys.forCall("R#0", List.of(42L, 43L), call.replace("x", "y"), 0).orElseThrow());
    all.add(keys.forCall("R#0", List.of(42L), call, 0).orElseThrow());
    all.add(keys.forCall("R#1", List.of(42L, 43L), call, 0).orElseThrow());
    all.add(on("other").forCall("R#0", List.of(42L, 43L), call, 0).orElseThrow());
    assertThat(all).hasSize(6);
  }

  @Test
  void noKeyWhenTheAddonTakesNone_orWithoutAnEvent() {
    ActionTarget target = target("R", "0", Map.of(1L, 42L));
    assertThat(PostKeys.NONE.forRecord(target, 1L)).isEmpty();
    assertThat(PostKeys.NONE.byRecord(target)).isEmpty();
    assertThat(PostKeys.of("db", () -> false).forRecord(target, 1L)).isEmpty();
    assertThat(PostKeys.of("db", () -> false).forCall("R#0", List.of(42L), "[]", 0)).isEmpty();
    assertThat(on("db").forRecord(target, 2L)).as("record 2 has no event").isEmpty();
    assertThat(on("db").forCall("R#0", List.of(), "[]", 0)).isEmpty();
  }

  @Test
  void byRecordGivesEachRecordOfTheTargetItsOwnKey() {
    ActionTarget target = target("R", "0", new java.util.TreeMap<>(Map.of(1L, 42L, 2L, 43L)));
    PostKeys keys = on("db");
    Map<String, Object> context = keys.byRecord(target);
    assertThat(context).containsOnlyKeys(PostKeys.CONTEXT_KEY);
    assertThat(context.get(PostKeys.CONTEXT_KEY))
        .isEqualTo(
            Map.of(
                "1", keys.forRecord(target, 1L).orElseThrow(),
                "2", keys.forRecord(target, 2L).orElseThrow()));
  }

  @Test
  void whetherTheAddonTakesKeysIsAskedOnceWhenAKeyIsFirstNeeded() {
    AtomicInteger asked = new AtomicInteger();
    PostKeys keys =
        PostKeys.of(
            "db",
            () -> {
              asked.incrementAndGet();
              return true;
            });
    assertThat(asked).hasValue(0);
    ActionTarget target = target("R", "0", Map.of(1L, 42L, 2L, 43L));
    Optional<String> one = keys.forRecord(target, 1L);
    keys.forRecord(target, 2L);
    keys.byRecord(target);
    assertThat(one).isPresent();
    assertThat(asked).hasValue(1);
  }

  @Test
  void anEventKnownByItsDedupeKeyHasTheSameKeysUnderAnotherId_anotherEventOthers() {
    Map<Long, String> here = Map.of(42L, "outbox:7:1", 43L, "outbox:8:1");
    Map<Long, String> there = Map.of(901L, "outbox:7:1"); // the same push in another event log
    PostKeys mine = PostKeys.of("db", here::get, () -> true);
    PostKeys theirs = PostKeys.of("db", there::get, () -> true);
    String key = mine.forRecord(target("R", "0", Map.of(1L, 42L)), 1L).orElseThrow();
    assertThat(theirs.forRecord(target("R", "0", Map.of(1L, 901L)), 1L)).contains(key);
    assertThat(mine.forRecord(target("R", "0", Map.of(1L, 43L)), 1L))
        .isNotEqualTo(Optional.of(key));
    assertThat(on("db").forRecord(target("R", "0", Map.of(1L, 42L)), 1L))
        .as("the id, when the dedupe key is not known")
        .isNotEqualTo(Optional.of(key));
    String call = "[\"crm.lead\",\"message_post\",[[1]],{}]";
    assertThat(theirs.forCall("R#0", List.of(901L), call, 0))
        .isEqualTo(mine.forCall("R#0", List.of(42L), call, 0));
  }
}
