package io.odoosidecar.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooAuthenticationException;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooFaultException;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.OdooTransportException;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.ServerVersion;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.pipeline.MemoryOdoo;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Console logins checked against an Odoo of each version's shape: Odoo 17 and 18 keep a user's
 * groups (implied ones included) in {@code groups_id}; Odoo 19 in {@code group_ids} (the ones
 * given) and {@code all_group_ids} (with the implied ones).
 */
class OdooAuthenticatorTest {
  private static final long SYSTEM = 3;
  private static final long USER = 1;
  private static final long OPERATOR = 9;
  private static final long IMPLIES_SYSTEM = 8;

  private final List<OdooSettings> made = new ArrayList<>();
  private final OdooSettings connection =
      OdooSettings.of(
              "main",
              URI.create("http://odoo.test:8069"),
              "prod",
              "sidecar-bot",
              null,
              Secret.of("service-api-key"))
          .withTransport(TransportKind.JSON2);

  /** An Odoo of a major version with users admin (uid 2), demo (uid 6) and root19 (uid 7). */
  private MemoryOdoo odoo(int major) {
    MemoryOdoo odoo = MemoryOdoo.empty();
    odoo.define(
        "ir.model.data",
        Map.of("module", "char", "name", "char", "model", "char", "res_id", "integer"),
        List.of(
            Map.of(
                "id",
                1,
                "module",
                "base",
                "name",
                "group_system",
                "model",
                "res.groups",
                "res_id",
                SYSTEM),
            Map.of(
                "id",
                2,
                "module",
                "base",
                "name",
                "group_user",
                "model",
                "res.groups",
                "res_id",
                USER),
            Map.of(
                "id",
                3,
                "module",
                "base",
                "name",
                "group_system",
                "model",
                "ir.ui.menu",
                "res_id",
                77),
            Map.of(
                "id",
                4,
                "module",
                "sidecar",
                "name",
                "group_operator",
                "model",
                "res.groups",
                "res_id",
                OPERATOR)));
    if (major >= 19) {
      odoo.define(
          "res.users",
          Map.of(
              "login",
              "char",
              "group_ids",
              "many2many:res.groups",
              "all_group_ids",
              "many2many:res.groups"),
          List.of(
              Map.of(
                  "id",
                  2,
                  "login",
                  "admin",
                  "group_ids",
                  List.of(USER, SYSTEM),
                  "all_group_ids",
                  List.of(USER, SYSTEM)),
              Map.of(
                  "id",
                  6,
                  "login",
                  "demo",
                  "group_ids",
                  List.of(USER),
                  "all_group_ids",
                  List.of(USER)),
              Map.of(
                  "id",
                  7,
                  "login",
                  "root19",
                  "group_ids",
                  List.of(USER, IMPLIES_SYSTEM),
                  "all_group_ids",
                  List.of(USER, IMPLIES_SYSTEM, SYSTEM))));
    } else {
      odoo.define(
          "res.users",
          Map.of("login", "char", "groups_id", "many2many:res.groups"),
          List.of(
              Map.of("id", 2, "login", "admin", "groups_id", List.of(USER, SYSTEM)),
              Map.of("id", 6, "login", "demo", "groups_id", List.of(USER)),
              Map.of(
                  "id", 7, "login", "root19", "groups_id", List.of(USER, IMPLIES_SYSTEM, SYSTEM))));
    }
    return odoo;
  }

  private OdooAuthenticator authenticator(MemoryOdoo odoo, int major, String group) {
    return new OdooAuthenticator(
        connection,
        group,
        settings -> {
          made.add(settings);
          return new UserOdoo(odoo, major, settings);
        });
  }

  @ParameterizedTest
  @ValueSource(ints = {17, 18, 19})
  void aSystemUserIsLetInAndOthersAreNot(int major) {
    OdooAuthenticator auth = authenticator(odoo(major), major, "base.group_system");
    assertThat(auth.authenticate("admin", "admin-pw").outcome())
        .isEqualTo(Authenticator.Outcome.ACCEPTED);
    assertThat(auth.authenticate("root19", "root19-pw").outcome())
        .isEqualTo(Authenticator.Outcome.ACCEPTED);
    Authenticator.Verdict demo = auth.authenticate("demo", "demo-pw");
    assertThat(demo.outcome()).isEqualTo(Authenticator.Outcome.NOT_IN_GROUP);
    assertThat(demo.reason()).isEqualTo("user 'demo' is not in the group base.group_system");
    assertThat(auth.authenticate("admin", "wrong").outcome())
        .isEqualTo(Authenticator.Outcome.REFUSED);
    assertThat(auth.authenticate("nobody", "x").outcome()).isEqualTo(Authenticator.Outcome.REFUSED);
  }

  @Test
  void onOdoo19TheImpliedGroupsCount() {
    MemoryOdoo odoo = odoo(19);
    odoo.records("res.users").get(7L).put("all_group_ids", List.of(USER, IMPLIES_SYSTEM));
    assertThat(
            authenticator(odoo, 19, "base.group_system")
                .authenticate("root19", "root19-pw")
                .outcome())
        .isEqualTo(Authenticator.Outcome.NOT_IN_GROUP);
  }

  @Test
  void anotherGroupCanBeConfigured() {
    MemoryOdoo odoo = odoo(18);
    odoo.records("res.users").get(6L).put("groups_id", List.of(USER, OPERATOR));
    OdooAuthenticator auth = authenticator(odoo, 18, "sidecar.group_operator");
    assertThat(auth.authenticate("demo", "demo-pw").outcome())
        .isEqualTo(Authenticator.Outcome.ACCEPTED);
    assertThat(auth.authenticate("admin", "admin-pw").outcome())
        .isEqualTo(Authenticator.Outcome.NOT_IN_GROUP);
  }

  @Test
  void aGroupOdooDoesNotHaveIsAConfigurationProblemNotARefusal() {
    Authenticator.Verdict verdict =
        authenticator(odoo(18), 18, "base.group_nope").authenticate("admin", "admin-pw");
    assertThat(verdict.outcome()).isEqualTo(Authenticator.Outcome.UNAVAILABLE);
    assertThat(verdict.reason()).contains("Odoo has no group base.group_nope");
  }

  @Test
  void theChecksAreMadeAsTheUserWithoutTheSidecarsCredentials() {
    authenticator(odoo(18), 18, "base.group_system").authenticate("admin", "admin-pw");
    OdooSettings used = made.get(0);
    assertThat(used.login()).isEqualTo("admin");
    assertThat(used.password().map(Secret::reveal)).hasValue("admin-pw");
    assertThat(used.apiKey()).isEmpty();
    assertThat(used.transport()).isEqualTo(TransportKind.JSONRPC);
    assertThat(used.retry()).isEqualTo(RetryPolicy.NONE);
    assertThat(used.url()).isEqualTo(connection.url());
    assertThat(used.database()).isEqualTo("prod");
  }

  @Test
  void anUnreachableOdooIsNotTheUsersFault() {
    MemoryOdoo odoo = odoo(18);
    odoo.fault(
        (point, model, method, args) -> {
          throw new OdooTransportException(
              "connection refused by odoo.test (password admin-pw)", false, 0, true, null);
        });
    Authenticator.Verdict verdict =
        authenticator(odoo, 18, "base.group_system").authenticate("admin", "admin-pw");
    assertThat(verdict.outcome()).isEqualTo(Authenticator.Outcome.UNAVAILABLE);
    assertThat(verdict.reason()).contains("cannot be reached").doesNotContain("admin-pw");
  }

  @Test
  void aUserWhoMayNotReadItsGroupsIsNotLetIn() {
    MemoryOdoo odoo = odoo(18);
    odoo.fault(
        (point, model, method, args) -> {
          if (model.equals("res.users") && method.equals("read")) {
            throw new OdooFaultException(
                io.odoosidecar.odoo.OdooErrorKind.ACCESS_ERROR,
                "odoo.exceptions.AccessError",
                "You are not allowed to access 'User' (res.users) records.",
                "",
                0);
          }
        });
    Authenticator.Verdict verdict =
        authenticator(odoo, 18, "base.group_system").authenticate("admin", "admin-pw");
    assertThat(verdict.outcome()).isEqualTo(Authenticator.Outcome.NOT_IN_GROUP);
    assertThat(verdict.reason()).contains("may not read its groups");
  }

  @Test
  void anEmptyLoginOrPasswordIsRefusedWithoutACall() {
    OdooAuthenticator auth = authenticator(odoo(18), 18, "base.group_system");
    assertThat(auth.authenticate("", "x").outcome()).isEqualTo(Authenticator.Outcome.REFUSED);
    assertThat(auth.authenticate("admin", "").outcome()).isEqualTo(Authenticator.Outcome.REFUSED);
    assertThat(made).isEmpty();
  }

  /**
   * The memory Odoo seen through one user's credentials: {@code authenticate} accepts {@code
   * <login>-pw} for the users it holds, and the server is of the given major version.
   */
  private static final class UserOdoo implements OdooClient {
    private final MemoryOdoo odoo;
    private final int major;
    private final OdooSettings settings;

    UserOdoo(MemoryOdoo odoo, int major, OdooSettings settings) {
      this.odoo = odoo;
      this.major = major;
      this.settings = settings;
    }

    @Override
    public long authenticate() {
      String password = settings.password().map(Secret::reveal).orElse("");
      for (Map<String, Object> user : odoo.records("res.users").values()) {
        if (user.get("login").equals(settings.login())
            && password.equals(settings.login() + "-pw")) {
          return ((Number) user.get("id")).longValue();
        }
      }
      throw new OdooAuthenticationException("odoo.exceptions.AccessDenied", "Access Denied", "", 0);
    }

    @Override
    public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
      return odoo.executeKw(model, method, args, kwargs);
    }

    @Override
    public Map<String, FieldInfo> fieldsGet(String model) {
      odoo.executeKw(model, "fields_get", List.of(), Map.of());
      return odoo.fieldsGet(model);
    }

    @Override
    public String name() {
      return settings.name();
    }

    @Override
    public String database() {
      return settings.database();
    }

    @Override
    public TransportKind transport() {
      return settings.transport();
    }

    @Override
    public ServerVersion version() {
      return new ServerVersion(major + ".0", major, 0, major + ".0");
    }

    @Override
    public OdooClient withContext(Map<String, ?> context) {
      return this;
    }

    @Override
    public void invalidateFields(String model) {}

    @Override
    public void close() {}
  }
}
