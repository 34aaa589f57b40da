package io.odoosidecar.harness;

/**
 * The rules of a chaos run: on each write of the changed field, a note posted on the record through
 * a template ({@code mail_post}) and a request to the counting server ({@code webhook}, with its
 * {@code Idempotency-Key}): two effects that are not idempotent, so that one done twice shows.
 */
final class ChaosRules {
  /** The name the message rule has (its runs and dead letters are found by it). */
  static final String MESSAGE = "chaos: message";

  /** The name the webhook rule has. */
  static final String WEBHOOK = "chaos: webhook";

  private ChaosRules() {}

  /**
   * @param field the field each change writes
   * @param domain a filter domain restricting the rules to the harness's records, or empty
   * @param template the mail template's id
   */
  static String yaml(String field, String domain, long template, String hookUrl) {
    String filter = domain.isEmpty() ? "" : "    filter_domain: \"" + domain + "\"\n";
    String head =
        "    model: crm.lead\n"
            + "    trigger: on_write\n"
            + "    trigger_field_ids: ["
            + field
            + "]\n"
            + filter
            + "    actions:\n";
    return "rules:\n"
        + "  - name: \""
        + MESSAGE
        + "\"\n"
        + head
        + "      - state: mail_post\n"
        + "        mail_post_method: note\n"
        + "        template_id: "
        + template
        + "\n"
        + "  - name: \""
        + WEBHOOK
        + "\"\n"
        + head
        + "      - state: webhook\n"
        + "        webhook_url: "
        + hookUrl
        + "\n";
  }
}
