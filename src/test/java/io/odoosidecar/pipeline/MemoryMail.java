package io.odoosidecar.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.odoosidecar.odoo.ValueCodec;
import io.odoosidecar.script.CallJournal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What {@link MemoryOdoo} answers of Odoo's mail: {@code message_post} on a record, the composer in
 * comment mode ({@code mail.compose.message.action_send_mail}: a message per record), a template's
 * queued email ({@code mail.template.send_mail}: a {@code mail.mail}) and the SMS composer ({@code
 * sms.composer.action_send_sms}: in comment mode a message of type {@code sms} per record, else an
 * {@code sms.sms} per record and, with {@code mass_keep_log}, a note).
 *
 * <p>Once the addon's {@code sidecar.post.key} is defined ({@link MemoryOdoo#withPostKeys}), a
 * message or an email made under a key ({@link CallJournal#POST_KEY} in the context: the key, or a
 * map of keys by record id as text) is made once per key and record, as the addon makes it: a call
 * made again answers the first; the SMS and the note of mass mode carry no key, as in Odoo.
 */
final class MemoryMail {
  static final String KEYS = "sidecar.post.key";
  static final String MESSAGES = "mail.message";
  static final String MAILS = "mail.mail";
  static final String SMS = "sms.sms";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MemoryOdoo odoo;

  MemoryMail(MemoryOdoo odoo) {
    this.odoo = odoo;
  }

  /** Defines the models of mail the double answers. */
  static void define(MemoryOdoo odoo) {
    odoo.define(
        MESSAGES,
        Map.of(
            "model", "char",
            "res_id", "integer",
            "body", "char",
            "message_type", "char",
            "subtype_id", "integer"));
    odoo.define(MAILS, Map.of("model", "char", "res_id", "integer", "template_id", "integer"));
    odoo.define(SMS, Map.of("res_id", "integer", "template_id", "integer"));
    odoo.define(
        "mail.compose.message",
        Map.of(
            "composition_mode", "char",
            "model", "char",
            "res_ids", "char",
            "template_id", "integer",
            "subtype_id", "integer"));
    odoo.define(
        "sms.composer",
        Map.of(
            "res_model", "char",
            "res_ids", "char",
            "composition_mode", "char",
            "template_id", "integer",
            "mass_keep_log", "boolean"));
  }

  /** The answer of a mail method, or empty when the call is none of them. */
  Optional<Object> call(String model, String method, List<?> args, Map<String, ?> kwargs) {
    Optional<Object> answer = answer(model, method, args, kwargs);
    answer.ifPresent(made -> odoo.posted());
    return answer;
  }

  private Optional<Object> answer(
      String model, String method, List<?> args, Map<String, ?> kwargs) {
    return switch (model + "." + method) {
      case "mail.compose.message.action_send_mail" -> Optional.of(composer(one(args)));
      case "mail.template.send_mail" ->
          Optional.of(sendMail(one(args), ValueCodec.asLong(kwargs.get("res_id"))));
      case "sms.composer.action_send_sms" -> Optional.of(sms(one(args)));
      default ->
          method.equals("message_post")
              ? Optional.of(post(model, one(args), kwargs))
              : Optional.<Object>empty();
    };
  }

  private static long one(List<?> args) {
    List<Long> ids = ValueCodec.asIds(args.get(0));
    if (ids.size() != 1) {
      throw new IllegalArgumentException("Expected singleton: " + ids);
    }
    return ids.get(0);
  }

  private long post(String model, long resId, Map<String, ?> kwargs) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("body", String.valueOf(kwargs.get("body")));
    values.put(
        "message_type",
        kwargs.containsKey("message_type") ? kwargs.get("message_type") : "notification");
    return message(model, resId, values);
  }

  private long message(String model, long resId, Map<String, Object> values) {
    return keyed(
        model,
        resId,
        "message_id",
        () -> {
          Map<String, Object> message = new LinkedHashMap<>(values);
          message.put("model", model);
          message.put("res_id", resId);
          return odoo.create(MESSAGES, List.of(message)).get(0);
        });
  }

  private Map<String, Object> composer(long id) {
    Map<String, Object> composer = odoo.records("mail.compose.message").get(id);
    if (!"comment".equals(composer.get("composition_mode"))) {
      throw new IllegalArgumentException("the memory Odoo's composer posts in comment mode only");
    }
    String model = String.valueOf(composer.get("model"));
    for (long resId : ids(composer.get("res_ids"))) {
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("body", "template " + composer.get("template_id"));
      values.put("message_type", "comment");
      values.put("subtype_id", composer.get("subtype_id"));
      message(model, resId, values);
    }
    return Map.of("type", "ir.actions.act_window_close");
  }

  /** A template's queued email; its key is the template's and the record's. */
  private long sendMail(long template, long resId) {
    return keyed(
        "mail.template:" + template,
        resId,
        "mail_id",
        () -> odoo.create(MAILS, List.of(Map.of("res_id", resId, "template_id", template))).get(0));
  }

  private boolean sms(long id) {
    Map<String, Object> composer = odoo.records("sms.composer").get(id);
    String model = String.valueOf(composer.get("res_model"));
    Object template = composer.get("template_id");
    for (long resId : ids(composer.get("res_ids"))) {
      if ("comment".equals(composer.get("composition_mode"))) {
        message(
            model,
            resId,
            new LinkedHashMap<>(Map.of("body", "sms " + template, "message_type", "sms")));
        continue;
      }
      odoo.create(SMS, List.of(Map.of("res_id", resId, "template_id", template)));
      if (Boolean.TRUE.equals(composer.get("mass_keep_log"))) {
        Map<String, Object> note = new LinkedHashMap<>();
        note.put("model", model);
        note.put("res_id", resId);
        note.put("body", "sms " + template);
        note.put("message_type", "comment");
        odoo.create(MESSAGES, List.of(note)); // logged, not posted: no key
      }
    }
    return true;
  }

  /** What {@code make} made under the context's key for the record, made now if not yet. */
  private long keyed(String model, long resId, String column, LongSupplier make) {
    String key = key(resId);
    if (key == null) {
      return make.getAsLong();
    }
    for (Map<String, Object> row : odoo.records(KEYS).values()) {
      if (key.equals(row.get("key"))
          && model.equals(row.get("model"))
          && ValueCodec.asLong(row.get("res_id")) == resId) {
        return ValueCodec.asLong(row.get(column));
      }
    }
    long made = make.getAsLong();
    odoo.create(KEYS, List.of(Map.of("key", key, "model", model, "res_id", resId, column, made)));
    return made;
  }

  /** The context's key for a post on the record, when the addon is installed. */
  private String key(long resId) {
    if (!odoo.defines(KEYS)) {
      return null; // Odoo without the addon ignores the context key
    }
    Object key = odoo.context().get(CallJournal.POST_KEY);
    if (key instanceof Map<?, ?> byRecord) {
      key = byRecord.get(Long.toString(resId));
    }
    return key instanceof String text && !text.isEmpty() ? text : null;
  }

  private static List<Long> ids(Object raw) {
    if (raw instanceof String text) {
      try {
        return ValueCodec.asIds(JSON.readValue(text, List.class));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("res_ids is no list: " + text, e);
      }
    }
    return new ArrayList<>(ValueCodec.asIds(raw));
  }
}
