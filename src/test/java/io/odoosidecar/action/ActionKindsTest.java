package io.odoosidecar.action;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.ServerVersion;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The calls each action kind makes (a live Odoo checks their effects: ActionsLiveIT). */
class ActionKindsTest {
  /** One call as the client made it. */
  record Call(
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs,
      Map<String, Object> context) {}

  /** Answers what the actions ask and records every call. */
  static final class RecordingOdoo implements OdooClient {
    final List<Call> calls;
    final Map<String, Object> context;

    RecordingOdoo(List<Call> calls, Map<String, Object> context) {
      this.calls = calls;
      this.context = context;
    }

    @Override
    public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
      calls.add(
          new Call(model, method, new ArrayList<>(args), new LinkedHashMap<>(kwargs), context));
      return switch (model + "." + method) {
        case "ir.model.data.search_read" -> List.of(Map.of("id", 1L, "res_id", 77L));
        case "ir.model.search" -> List.of(301L);
        case "mail.activity.type.read" ->
            List.of(
                Map.of(
                    "id",
                    77L,
                    "summary",
                    "Call",
                    "default_note",
                    "<p>Prepare</p>",
                    "default_user_id",
                    false));
        case "mail.activity.load" -> Map.of("ids", List.of(900L, 901L), "messages", List.of());
        case "mail.compose.message.create" -> List.of(55L);
        case "mail.template.send_mail" -> 12L;
        case "sms.composer.create" -> List.of(56L);
        default -> Boolean.TRUE;
      };
    }

    @Override
    public OdooClient withContext(Map<String, ?> extra) {
      Map<String, Object> merged = new LinkedHashMap<>(context);
      merged.putAll(extra);
      return new RecordingOdoo(calls, merged);
    }

    @Override
    public Map<String, FieldInfo> fieldsGet(String model) {
      return Map.of(
          "user_id", FieldInfo.of("user_id", Map.of("type", "many2one", "relation", "res.users")));
    }

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public String database() {
      return "odoo";
    }

    @Override
    public TransportKind transport() {
      return TransportKind.XMLRPC;
    }

    @Override
    public ServerVersion version() {
      return new ServerVersion("18.0", 18, 0, "18.0");
    }

    @Override
    public long authenticate() {
      return 2;
    }

    @Override
    public void invalidateFields(String model) {}

    @Override
    public void close() {}
  }

  final List<Call> calls = new ArrayList<>();
  final RecordingOdoo odoo = new RecordingOdoo(calls, Map.of());

  ActionContext runner() {
    return ActionContext.builder(odoo, new ExternalIds(odoo))
        .clock(Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC))
        .build();
  }

  static ActionTarget target(Map<String, Object> action, List<Long> ids) {
    Rule rule =
        new Rule(
            "R",
            "crm.lead",
            true,
            Trigger.ON_WRITE,
            List.of(),
            null,
            null,
            Map.of(),
            List.of(action));
    Map<Long, Long> events = new LinkedHashMap<>();
    ids.forEach(id -> events.put(id, id + 1000));
    return new ActionTarget(rule, "0", action, "crm.lead", ids, events);
  }

  @Test
  void followers_subscribeEveryRecordInOneCall_partnersByIdOrExternalId() {
    runner()
        .run(
            target(
                Map.of("state", "followers", "partner_ids", List.of(3, "base.partner_demo")),
                List.of(1L, 2L)));
    Call call = calls.get(calls.size() - 1);
    assertThat(call.method()).isEqualTo("message_subscribe");
    assertThat(call.args()).containsExactly(List.of(1L, 2L));
    assertThat(call.kwargs()).containsEntry("partner_ids", List.of(3L, 77L));
  }

  @Test
  void nextActivity_isLoadedWithAnExternalIdPerRecord_andTheTypesDefaults() {
    runner()
        .run(
            target(
                Map.of(
                    "state",
                    "next_activity",
                    "activity_type_id",
                    77,
                    "activity_date_deadline_range",
                    2,
                    "activity_date_deadline_range_type",
                    "weeks",
                    "activity_user_type",
                    "specific",
                    "activity_user_id",
                    6),
                List.of(5L, 4L)));
    Call load = calls.get(calls.size() - 1);
    assertThat(load.model()).isEqualTo("mail.activity");
    assertThat(load.method()).isEqualTo("load");
    List<?> rows = (List<?>) load.args().get(1);
    List<Object> first = new ArrayList<>((List<?>) rows.get(0));
    assertThat(first)
        .containsExactly(
            first.get(0), "301", "4", "77", "Call", "<p>Prepare</p>", "2026-12-07", "6", "True");
    assertThat(String.valueOf(((List<?>) rows.get(0)).get(0)))
        .matches("sidecar_idem\\.e1004_r[0-9a-f]+_a0");
  }

  @Test
  void mailPost_emailQueuesOnePerRecord_noteGoesThroughTheComposer() {
    runner().run(target(Map.of("state", "mail_post", "template_id", 15), List.of(1L, 2L)));
    List<Call> sends = calls.stream().filter(c -> c.method().equals("send_mail")).toList();
    assertThat(sends).hasSize(2);
    assertThat(sends.get(0).args()).containsExactly(List.of(15L));
    assertThat(sends.get(0).kwargs()) // by name: JSON-2 takes no positional argument
        .containsEntry("res_id", 1L)
        .containsEntry("force_send", false);
    assertThat(sends.get(0).context()).containsEntry("mail_create_nosubscribe", true);

    calls.clear();
    runner()
        .run(
            target(
                Map.of("state", "mail_post", "template_id", 15, "mail_post_method", "note"),
                List.of(1L, 2L)));
    assertThat(calls)
        .extracting(Call::model, Call::method)
        .containsSubsequence(
            org.assertj.core.groups.Tuple.tuple("mail.compose.message", "create"),
            org.assertj.core.groups.Tuple.tuple("mail.compose.message", "action_send_mail"));
    Map<Object, Object> values =
        new LinkedHashMap<Object, Object>(
            (Map<?, ?>)
                ((List<?>)
                        calls.stream()
                            .filter(c -> c.method().equals("create"))
                            .findFirst()
                            .orElseThrow()
                            .args()
                            .get(0))
                    .get(0));
    assertThat(values)
        .containsEntry("composition_mode", "comment")
        .containsEntry("res_ids", "[1, 2]")
        .containsEntry("template_id", 15L)
        .containsEntry("subtype_id", 77L);
  }

  ActionContext keyedRunner() {
    return ActionContext.builder(odoo, new ExternalIds(odoo))
        .postKeys(PostKeys.of("odoo", () -> true))
        .build();
  }

  static Object postKey(Call call) {
    return call.context().get(PostKeys.CONTEXT_KEY);
  }

  @Test
  void mailPost_withoutTheAddonsKeys_carriesNoKey() {
    runner().run(target(Map.of("state", "mail_post", "template_id", 15), List.of(1L, 2L)));
    runner()
        .run(
            target(
                Map.of("state", "mail_post", "template_id", 15, "mail_post_method", "comment"),
                List.of(1L, 2L)));
    assertThat(calls).isNotEmpty().allSatisfy(c -> assertThat(postKey(c)).isNull());
  }

  @Test
  void mailPost_email_eachRecordsMailCarriesItsOwnKey_theSameWhenRunAgain() {
    Map<String, Object> action = Map.of("state", "mail_post", "template_id", 15);
    keyedRunner().run(target(action, List.of(1L, 2L)));
    keyedRunner().run(target(action, List.of(1L, 2L)));
    List<Object> keys =
        calls.stream().filter(c -> c.method().equals("send_mail")).map(c -> postKey(c)).toList();
    assertThat(keys).hasSize(4).doesNotContainNull();
    assertThat(keys.get(0)).isNotEqualTo(keys.get(1));
    assertThat(keys.subList(2, 4)).isEqualTo(keys.subList(0, 2));
    assertThat(keys.get(0))
        .isEqualTo(
            PostKeys.of("odoo", () -> true)
                .forRecord(target(action, List.of(1L, 2L)), 1L)
                .orElseThrow());
  }

  @Test
  void mailPost_comment_theComposersSendGivesEachRecordItsKey_itsCreateNone() {
    Map<String, Object> action =
        Map.of("state", "mail_post", "template_id", 15, "mail_post_method", "comment");
    keyedRunner().run(target(action, List.of(1L, 2L)));
    Call create = calls.stream().filter(c -> c.method().equals("create")).findFirst().orElseThrow();
    assertThat(postKey(create)).isNull();
    Call send =
        calls.stream().filter(c -> c.method().equals("action_send_mail")).findFirst().orElseThrow();
    PostKeys keys = PostKeys.of("odoo", () -> true);
    assertThat(postKey(send))
        .isEqualTo(
            Map.of(
                "1", keys.forRecord(target(action, List.of(1L, 2L)), 1L).orElseThrow(),
                "2", keys.forRecord(target(action, List.of(1L, 2L)), 2L).orElseThrow()));
    assertThat(send.context()).containsEntry("mail_create_nosubscribe", true);
  }

  @Test
  void sms_aCommentCarriesEachRecordsKey_massModeNone() {
    keyedRunner()
        .run(
            target(
                Map.of("state", "sms", "sms_template_id", 9, "sms_method", "comment"),
                List.of(1L, 2L)));
    keyedRunner()
        .run(
            target(Map.of("state", "sms", "sms_template_id", 9, "sms_method", "sms"), List.of(1L)));
    List<Call> sends = calls.stream().filter(c -> c.method().equals("action_send_sms")).toList();
    assertThat(sends).hasSize(2);
    assertThat(((Map<?, ?>) postKey(sends.get(0))).keySet()).isEqualTo(java.util.Set.of("1", "2"));
    assertThat(postKey(sends.get(1))).isNull();
  }

  @Test
  void anActionThatPostsNothingNeverAsksWhetherKeysAreTaken() {
    java.util.concurrent.atomic.AtomicInteger asked =
        new java.util.concurrent.atomic.AtomicInteger();
    ActionContext.builder(odoo, new ExternalIds(odoo))
        .postKeys(
            PostKeys.of(
                "odoo",
                () -> {
                  asked.incrementAndGet();
                  return true;
                }))
        .build()
        .run(target(Map.of("state", "followers", "partner_ids", List.of(3)), List.of(1L)));
    assertThat(asked).hasValue(0);
  }
}
