package io.odoosidecar.sync.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mistakes in a sync config's {@code auth:} mapping: each refused at parse with a message naming
 * the file, the config and the key, and never showing a secret's value.
 */
class AuthConfigHostileTest {
  private static final Path FILE = Path.of("config/rules/crm.yaml");
  private static final String PREFIX = "config/rules/crm.yaml: sync 'customers': auth.";
  private static final String LITERAL = "literal-S3cr3t";
  private static final String SET = "set-S3cr3t";
  private static final Map<String, String> ENV = Map.of("SET_SECRET", SET, "BLANK", "  ");

  @TempDir Path dir;

  private static Map<String, Object> node(Object... pairs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put((String) pairs[i], pairs[i + 1]);
    }
    return out;
  }

  private static String refusal(Map<String, Object> node) {
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> AuthKinds.parse(FILE, "customers", node, ENV::get));
    assertThat(thrown).isInstanceOf(AuthConfigException.class);
    assertThat(thrown.getMessage()).doesNotContain(LITERAL).doesNotContain(SET);
    assertThat(thrown.toString()).doesNotContain(LITERAL).doesNotContain(SET);
    return thrown.getMessage();
  }

  @ParameterizedTest
  @CsvSource({
    "basic, password, password",
    "bearer, token, token",
    "hmac, secret, secret",
    "oauth2-client-credentials, client-secret, client-secret",
    "api-key, key, key",
    "api-key, api-key, key"
  })
  void literalSecret_isRefusedPointingToEnvAndFile(String kind, String key, String name) {
    String message = refusal(node("kind", kind, "user", "bot", key, LITERAL));

    assertThat(message)
        .startsWith(PREFIX + key + ": secrets are not read from the YAML")
        .contains(name + "-env")
        .contains(name + "-file");
  }

  @Test
  void unknownKind_listsTheKnownOnes() {
    String message = refusal(node("kind", "kerberos"));

    assertThat(message)
        .isEqualTo(
            PREFIX
                + "kind: unknown kind 'kerberos'; known kinds: none, basic, bearer, api-key,"
                + " oauth2-client-credentials, hmac");
  }

  @Test
  void missingKind_isRefusedListingTheKinds() {
    String message = refusal(node("token-env", "SET_SECRET"));

    assertThat(message)
        .startsWith(PREFIX + "kind: is required")
        .contains("oauth2-client-credentials");
  }

  @Test
  void unsetVariable_isNamedWithoutAnyValue() {
    String message = refusal(node("kind", "bearer", "token-env", "API_TOKEN"));

    assertThat(message)
        .isEqualTo(
            "config/rules/crm.yaml: sync 'customers': auth.token-env: the environment variable"
                + " API_TOKEN is not set");
  }

  @Test
  void blankVariable_isRefused() {
    assertThat(refusal(node("kind", "api-key", "key-env", "BLANK")))
        .isEqualTo(PREFIX + "key-env: the environment variable BLANK is empty");
  }

  @Test
  void noSecretAtAll_namesBothWays() {
    assertThat(refusal(node("kind", "basic", "user", "bot")))
        .startsWith(PREFIX + "password-env: is required")
        .contains("password-file");
  }

  @Test
  void envAndFileBoth_isRefused() {
    assertThat(
            refusal(node("kind", "hmac", "secret-env", "SET_SECRET", "secret-file", "/run/secret")))
        .isEqualTo(PREFIX + "secret-env: give secret-env or secret-file, not both");
  }

  @Test
  void missingFile_isNamed() {
    Path missing = dir.resolve("nope");

    assertThat(refusal(node("kind", "bearer", "token-file", missing.toString())))
        .startsWith(PREFIX + "token-file: cannot read the file " + missing);
  }

  @Test
  void emptyFile_isRefused() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), " \n");

    assertThat(refusal(node("kind", "bearer", "token-file", empty.toString())))
        .isEqualTo(PREFIX + "token-file: the file " + empty + " is empty");
  }

  @Test
  void secretReadFromAFile_isNotShownByALaterError() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), LITERAL);

    assertThat(refusal(node("kind", "hmac", "secret-file", secret.toString(), "algorithm", "MD5")))
        .startsWith(PREFIX + "algorithm: must be one of HmacSHA1");
  }

  @Test
  void unknownKey_listsTheKindsKeys() {
    assertThat(refusal(node("kind", "bearer", "token-env", "SET_SECRET", "scheme", "Token")))
        .isEqualTo(
            PREFIX
                + "scheme: unknown key for kind bearer; known keys: kind, token-env, token-file");
  }

  @Test
  void noneWithKeys_isRefused() {
    assertThat(refusal(node("kind", "none", "user", "bot")))
        .startsWith(PREFIX + "user: unknown key for kind none");
  }

  @Test
  void tokenUrlNotHttp_isRefusedWithItsCredentialsMasked() {
    String message =
        refusal(
            node(
                "kind", "oauth2-client-credentials",
                "token-url", "ftp://user:" + LITERAL + "@auth.example.com/token",
                "client-id", "odoo",
                "client-secret-env", "SET_SECRET"));

    assertThat(message).startsWith(PREFIX + "token-url: must be an http:// or https:// URL");
  }

  @Test
  void missingClientId_isRefused() {
    assertThat(
            refusal(
                node(
                    "kind", "oauth2-client-credentials",
                    "token-url", "https://auth.example.com/token",
                    "client-secret-env", "SET_SECRET")))
        .startsWith(PREFIX + "client-id: is required");
  }

  @Test
  void badClientAuth_listsTheChoices() {
    assertThat(
            refusal(
                node(
                    "kind", "oauth2-client-credentials",
                    "token-url", "https://auth.example.com/token",
                    "client-id", "odoo",
                    "client-secret-env", "SET_SECRET",
                    "client-auth", "jwt")))
        .isEqualTo(PREFIX + "client-auth: must be one of basic, body, got 'jwt'");
  }

  @Test
  void badEncoding_listsTheChoices() {
    assertThat(refusal(node("kind", "hmac", "secret-env", "SET_SECRET", "encoding", "hexa")))
        .isEqualTo(PREFIX + "encoding: must be one of hex, base64, got 'hexa'");
  }

  @Test
  void sameSignatureAndTimestampHeader_isRefused() {
    assertThat(
            refusal(
                node(
                    "kind",
                    "hmac",
                    "secret-env",
                    "SET_SECRET",
                    "header",
                    "X-Sig",
                    "timestamp-header",
                    "x-sig")))
        .startsWith(PREFIX + "timestamp-header: must differ from header");
  }

  @Test
  void apiKeyHeaderNotAHeaderName_isRefused() {
    assertThat(refusal(node("kind", "api-key", "key-env", "SET_SECRET", "header", "X Key: 1")))
        .startsWith(PREFIX + "header: is not a header name");
    assertThat(refusal(node("kind", "api-key", "key-env", "SET_SECRET", "header", "Host")))
        .startsWith(PREFIX + "header: is not a header name");
  }

  @Test
  void userAsAList_isRefused() {
    assertThat(refusal(node("kind", "basic", "user", List.of("a"), "password-env", "SET_SECRET")))
        .isEqualTo(PREFIX + "user: must be a plain value");
  }

  @Test
  void userWithAColon_isRefused() {
    assertThat(refusal(node("kind", "basic", "user", "a:b", "password-env", "SET_SECRET")))
        .startsWith(PREFIX + "user: must not contain ':'");
  }

  @Test
  void validConfig_holdsTheSecretButNeverShowsIt() {
    SyncAuth auth =
        AuthKinds.parse(
            FILE, "customers", node("kind", "bearer", "token-env", "SET_SECRET"), ENV::get);

    assertThat(auth.kind()).isEqualTo("bearer");
    assertThat(auth.toString()).doesNotContain(SET);
    assertThatThrownBy(() -> AuthKinds.names().remove("basic"))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
