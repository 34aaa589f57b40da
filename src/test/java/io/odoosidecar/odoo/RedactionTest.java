package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Credentials masked in URLs, in text quoting them, and in the call log's arguments. */
class RedactionTest {
  @Test
  void url_userAndPassword_passwordMasked() {
    assertThat(Redaction.url(URI.create("https://admin:hunter2@odoo.example.com/odoo")))
        .isEqualTo("https://admin:****@odoo.example.com/odoo");
  }

  @Test
  void url_tokenAsUser_maskedWhole() {
    assertThat(Redaction.text("https://ghp_abc123@odoo.example.com"))
        .isEqualTo("https://****@odoo.example.com");
  }

  @Test
  void text_passwordWithAt_maskedUpToTheHost() {
    assertThat(Redaction.text("https://u:p@ss@host/x")).isEqualTo("https://u:****@host/x");
  }

  @Test
  void text_jdbcParameters_sensitiveOnesMasked() {
    assertThat(
            Redaction.text(
                "jdbc:postgresql://h:5432/db?user=sidecar&password=pw1&sslkey=/k&ssl=true"))
        .isEqualTo("jdbc:postgresql://h:5432/db?user=sidecar&password=****&sslkey=****&ssl=true");
    assertThat(Redaction.text("jdbc:h2:file:/d/events;USER=sa;PASSWORD=pw2;WRITE_DELAY=0"))
        .isEqualTo("jdbc:h2:file:/d/events;USER=sa;PASSWORD=****;WRITE_DELAY=0");
  }

  @Test
  void text_urlInAMessage_punctuationAfterItKept() {
    assertThat(Redaction.text("cannot open jdbc:x://h/db?password=pw3: refused"))
        .isEqualTo("cannot open jdbc:x://h/db?password=****: refused");
  }

  @Test
  void text_withSecrets_literalOccurrencesMasked() {
    assertThat(Redaction.text("FATAL: bad password pw4 for user", List.of(Secret.of("pw4"))))
        .isEqualTo("FATAL: bad password **** for user");
  }

  @Test
  void callKeywords_setParamOfASecret_valueMaskedKeyShown() {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("key", "sidecar_bridge.secret");
    kwargs.put("value", "s3");
    assertThat(Redaction.callKeywords("ir.config_parameter", kwargs))
        .containsEntry("key", "sidecar_bridge.secret")
        .containsEntry("value", Redaction.MASK);
  }

  @Test
  void callKeywords_setParamOfAPlainKey_valueShown() {
    Map<String, Object> kwargs = Map.of("key", "web.base.url", "value", "http://odoo");
    assertThat(Redaction.callKeywords("ir.config_parameter", kwargs))
        .containsEntry("value", "http://odoo");
  }

  @Test
  void callArguments_positionalSetParamAndNestedPassword_masked() {
    assertThat(Redaction.callArguments("ir.config_parameter", List.of("my.api_token", "t0k")))
        .isEqualTo(List.of("my.api_token", Redaction.MASK));
    assertThat(
            Redaction.callArguments(
                "res.users", List.of(List.of(7), Map.of("password", "pw5", "name", "Bob"))))
        .isEqualTo(List.of(List.of(7), Map.of("password", Redaction.MASK, "name", "Bob")));
  }

  @Test
  void callKeywords_kwargNamedLikeASecret_masked() {
    assertThat(Redaction.callKeywords("res.users", Map.of("new_passwd", "pw6", "limit", 1)))
        .containsEntry("new_passwd", Redaction.MASK)
        .containsEntry("limit", 1);
  }

  @Test
  void callResult_getParamOfASecret_masked() {
    assertThat(
            Redaction.callResult(
                "ir.config_parameter",
                "get_param",
                List.of("sidecar_bridge.secret"),
                Map.of(),
                "s3"))
        .isEqualTo(Redaction.MASK);
    assertThat(
            Redaction.callResult(
                "ir.config_parameter", "get_param", List.of("web.base.url"), Map.of(), "u"))
        .isEqualTo("u");
  }
}
