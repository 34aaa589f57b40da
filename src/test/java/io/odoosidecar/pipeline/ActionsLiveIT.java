package io.odoosidecar.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.action.ActionContext;
import io.odoosidecar.action.ActionTarget;
import io.odoosidecar.odoo.ExternalIds;
import io.odoosidecar.odoo.LiveOdoo;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.rule.Rule;
import io.odoosidecar.rule.Trigger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Action kinds run on a live Odoo: their effects, and that running one twice changes nothing. */
class ActionsLiveIT {
  static Rule rule(String name, Map<String, Object> action) {
    return new Rule(
        name, "crm.lead", true, Trigger.ON_WRITE, List.of(), null, null, Map.of(), List.of(action));
  }

  @Test
  void followersAndActivitiesLandOnceWhateverTheRetries() {
    try (OdooClient odoo = OdooClients.create(LiveOdoo.settings())) {
      long lead = odoo.create("crm.lead", Map.of("name", "sidecar IT actions"));
      long partner = odoo.create("res.partner", Map.of("name", "sidecar IT follower"));
      ActionContext runner = ActionContext.builder(odoo, new ExternalIds(odoo)).build();
      long event = System.nanoTime() / 1000;
      try {
        Rule follow =
            rule("IT follow", Map.of("state", "followers", "partner_ids", List.of(partner)));
        ActionTarget subscribe =
            new ActionTarget(
                follow,
                "0",
                follow.actions().get(0),
                "crm.lead",
                List.of(lead),
                Map.of(lead, event));
        runner.run(subscribe);
        runner.run(subscribe);
        assertThat(followers(odoo, lead)).containsOnlyOnce(partner);

        Rule activity =
            rule(
                "IT activity",
                Map.of(
                    "state", "next_activity",
                    "activity_type_id", "mail.mail_activity_data_call",
                    "activity_summary", "Kick-off call",
                    "activity_date_deadline_range", 2L,
                    "activity_date_deadline_range_type", "days"));
        ActionTarget schedule =
            new ActionTarget(
                activity,
                "0",
                activity.actions().get(0),
                "crm.lead",
                List.of(lead),
                Map.of(lead, event));
        runner.run(schedule);
        runner.run(schedule); // a retry after an ambiguous failure
        List<Long> activities =
            odoo.search(
                "mail.activity",
                List.of(List.of("res_model", "=", "crm.lead"), List.of("res_id", "=", lead)));
        assertThat(activities).hasSize(1);
        Map<String, Object> values =
            odoo.read(
                    "mail.activity",
                    activities,
                    List.of("summary", "date_deadline", "activity_type_id"))
                .get(0)
                .values();
        assertThat(values.get("summary")).isEqualTo("Kick-off call");
        assertThat(String.valueOf(values.get("date_deadline")))
            .isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(2).toString());

        Rule unfollow =
            rule(
                "IT unfollow",
                Map.of("state", "remove_followers", "partner_ids", List.of(partner)));
        runner.run(
            new ActionTarget(
                unfollow,
                "0",
                unfollow.actions().get(0),
                "crm.lead",
                List.of(lead),
                Map.of(lead, event)));
        assertThat(followers(odoo, lead)).doesNotContain(partner);
      } finally {
        odoo.unlink("crm.lead", List.of(lead));
        odoo.unlink("res.partner", List.of(partner));
      }
    }
  }

  @Test
  void mailPostQueuesAnEmailOrPostsANoteRenderedByOdoo() {
    try (OdooClient odoo = OdooClients.create(LiveOdoo.settings())) {
      long lead =
          odoo.create(
              "crm.lead",
              Map.of(
                  "name", "sidecar IT mail", "email_from", "it@example.com", "contact_name", "IT"));
      // a template of its own: Odoo 19 creates databases without demo data (and its templates)
      long template =
          odoo.create(
              "mail.template",
              Map.of(
                  "name", "sidecar IT template",
                  "model_id",
                      odoo.search("ir.model", List.of(List.of("model", "=", "crm.lead"))).get(0),
                  "subject", "About {{ object.name }}",
                  "email_to", "{{ object.email_from }}",
                  "body_html", "<p>Hello <t t-out=\"object.contact_name\"/></p>"));
      ActionContext runner = ActionContext.builder(odoo, new ExternalIds(odoo)).build();
      try {
        for (String method : List.of("email", "note")) {
          Rule rule =
              rule(
                  "IT mail " + method,
                  Map.of(
                      "state", "mail_post",
                      "template_id", template,
                      "mail_post_method", method));
          runner.run(
              new ActionTarget(
                  rule, "0", rule.actions().get(0), "crm.lead", List.of(lead), Map.of(lead, 1L)));
        }
        List<Long> mails =
            odoo.search(
                "mail.mail",
                List.of(List.of("model", "=", "crm.lead"), List.of("res_id", "=", lead)));
        assertThat(mails).as("the email, queued").isNotEmpty();
        long note =
            odoo.searchCount(
                "mail.message",
                List.of(
                    List.of("model", "=", "crm.lead"),
                    List.of("res_id", "=", lead),
                    List.of("message_type", "=", "comment"),
                    List.of("subtype_id", "=", new ExternalIds(odoo).require("mail.mt_note"))));
        assertThat(note).isEqualTo(1);
      } finally {
        odoo.unlink("crm.lead", List.of(lead));
        odoo.unlink("mail.template", List.of(template));
      }
    }
  }

  @Test
  void smsIsQueuedFromItsTemplate() {
    try (OdooClient odoo = OdooClients.create(LiveOdoo.settings())) {
      long partner =
          odoo.create("res.partner", Map.of("name", "sidecar IT sms", "phone", "+32 470 12 34 56"));
      long model = odoo.search("ir.model", List.of(List.of("model", "=", "res.partner"))).get(0);
      long template =
          odoo.create(
              "sms.template",
              Map.of("name", "sidecar IT", "model_id", model, "body", "Hello {{ object.name }}"));
      try {
        Rule rule =
            new Rule(
                "IT sms",
                "res.partner",
                true,
                Trigger.ON_WRITE,
                List.of(),
                null,
                null,
                Map.of(),
                List.of(Map.of("state", "sms", "sms_template_id", template)));
        ActionContext.builder(odoo, new ExternalIds(odoo))
            .build()
            .run(
                new ActionTarget(
                    rule, "0", rule.actions().get(0), "res.partner", List.of(partner), Map.of()));
        List<io.odoosidecar.odoo.OdooRecord> sms =
            odoo.searchRead(
                "sms.sms",
                List.of(List.of("partner_id", "=", partner)),
                List.of("body", "number"),
                io.odoosidecar.odoo.SearchOptions.ALL);
        assertThat(sms).hasSize(1);
        assertThat(sms.get(0).values().get("body")).isEqualTo("Hello sidecar IT sms");
      } finally {
        odoo.unlink("sms.template", List.of(template));
        odoo.unlink("res.partner", List.of(partner));
      }
    }
  }

  @Test
  void aCodeActionPostsAMessageWithAnFString_onEachTransport() {
    for (io.odoosidecar.odoo.TransportKind transport :
        List.of(
            io.odoosidecar.odoo.TransportKind.XMLRPC, io.odoosidecar.odoo.TransportKind.JSONRPC)) {
      try (OdooClient odoo = OdooClients.create(LiveOdoo.settings().withTransport(transport));
          io.odoosidecar.script.PythonEngine python =
              new io.odoosidecar.script.PythonEngine(
                  1, 1_000_000, java.time.Duration.ofSeconds(60))) {
        long lead =
            odoo.create("crm.lead", Map.of("name", "sidecar IT code", "expected_revenue", 12000.0));
        try {
          Rule rule =
              new Rule(
                  "IT code",
                  "crm.lead",
                  true,
                  Trigger.ON_WRITE,
                  List.of(),
                  null,
                  null,
                  Map.of(),
                  List.of(
                      Map.of(
                          "state",
                          "code",
                          "code",
                          "for rec in records:\n"
                              + "    rec.message_post(body=f'Commission {rec.expected_revenue * 0.05:.2f} for {rec.name}')\n"
                              + "    rec.write({'priority': '2'})")));
          ActionContext.builder(odoo, new ExternalIds(odoo))
              .python(python)
              .build()
              .run(
                  new ActionTarget(
                      rule, "0", rule.actions().get(0), "crm.lead", List.of(lead), Map.of()));
          long posted =
              odoo.searchCount(
                  "mail.message",
                  List.of(
                      List.of("model", "=", "crm.lead"),
                      List.of("res_id", "=", lead),
                      List.of("body", "ilike", "Commission 600.00 for sidecar IT code")));
          assertThat(posted).as(transport.configName()).isEqualTo(1);
          assertThat(
                  odoo.read("crm.lead", List.of(lead), List.of("priority"))
                      .get(0)
                      .values()
                      .get("priority"))
              .isEqualTo("2");
        } finally {
          odoo.unlink("crm.lead", List.of(lead));
        }
      }
    }
  }

  /**
   * A code action posting a message on each lead and failing on one: the batch fails partway, each
   * lead is run again alone, and the failing lead again at each later attempt until it is parked.
   * Odoo's {@code message_post} is not idempotent; the call journal makes each message land once.
   */
  @Test
  void aCodeActionFailingPartwayPostsEachMessageOnceAcrossItsRunsAndAttempts(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    try (OdooClient odoo = OdooClients.create(LiveOdoo.settings());
        io.odoosidecar.script.PythonEngine python =
            new io.odoosidecar.script.PythonEngine(1, 1_000_000, java.time.Duration.ofSeconds(60));
        io.odoosidecar.store.EventLog log = io.odoosidecar.store.EventLog.embedded(dir);
        io.odoosidecar.store.JournaledCalls journal =
            io.odoosidecar.store.JournaledCalls.open(log.connectionSource())) {
      List<Long> leads = new java.util.ArrayList<>();
      for (String name : List.of("first", "poison", "last")) {
        leads.add(
            odoo.create(
                "crm.lead",
                Map.of("name", "sidecar IT journal " + name, "expected_revenue", 100.0)));
      }
      try {
        Rule rule =
            ProcessorTest.code(
                "IT journal",
                "for rec in records:\n"
                    + "    rec.message_post(body='journal check %s' % rec.id)\n"
                    + "    if rec.name.endswith('poison'):\n"
                    + "        raise UserError('refused')");
        List<io.odoosidecar.store.EventLog.NewEvent> events = new java.util.ArrayList<>();
        for (long lead : leads) {
          events.add(
              new io.odoosidecar.store.EventLog.NewEvent(
                  "live",
                  "journal-" + lead,
                  "crm.lead",
                  lead,
                  "write",
                  ProcessorTest.revenuePush(lead, 0.0, Map.of(), List.of(), 0).toJson()));
        }
        java.time.Clock clock = java.time.Clock.systemUTC();
        log.append(events, clock.instant());
        Processor processor =
            new Processor(
                    log,
                    db -> odoo,
                    () -> List.of(rule),
                    new Processor.Settings(
                        5,
                        new io.odoosidecar.odoo.RetryPolicy(
                            3, java.time.Duration.ZERO, java.time.Duration.ZERO)),
                    clock,
                    null)
                .withPython(python)
                .withJournal(journal);
        for (List<io.odoosidecar.store.EventLog.Event> batch = log.claim(100, clock.instant());
            !batch.isEmpty();
            batch = log.claim(100, clock.instant())) {
          processor.process(batch);
        }

        assertThat(log.deadLetters())
            .extracting(io.odoosidecar.store.EventLog.Event::recordId)
            .containsExactly(leads.get(1));
        assertThat(log.deadLetters().get(0).attempts()).isEqualTo(3);
        for (long lead : leads) {
          assertThat(
                  odoo.searchCount(
                      "mail.message",
                      List.of(
                          List.of("model", "=", "crm.lead"),
                          List.of("res_id", "=", lead),
                          List.of("body", "ilike", "journal check " + lead))))
              .as("messages on lead %d", lead)
              .isEqualTo(1);
        }
      } finally {
        odoo.unlink("crm.lead", leads);
      }
    }
  }

  static List<Long> followers(OdooClient odoo, long lead) {
    return odoo
        .searchRead(
            "mail.followers",
            List.of(List.of("res_model", "=", "crm.lead"), List.of("res_id", "=", lead)),
            List.of("partner_id"),
            io.odoosidecar.odoo.SearchOptions.ALL)
        .stream()
        .map(r -> io.odoosidecar.odoo.ValueCodec.asMany2one(r.values().get("partner_id")).id())
        .toList();
  }
}
