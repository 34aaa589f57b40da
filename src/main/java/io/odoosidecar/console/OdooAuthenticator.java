package io.odoosidecar.console;

import io.odoosidecar.odoo.FieldInfo;
import io.odoosidecar.odoo.OdooAuthenticationException;
import io.odoosidecar.odoo.OdooClient;
import io.odoosidecar.odoo.OdooClients;
import io.odoosidecar.odoo.OdooException;
import io.odoosidecar.odoo.OdooFaultException;
import io.odoosidecar.odoo.OdooRecord;
import io.odoosidecar.odoo.OdooSettings;
import io.odoosidecar.odoo.Redaction;
import io.odoosidecar.odoo.RetryPolicy;
import io.odoosidecar.odoo.SearchOptions;
import io.odoosidecar.odoo.Secret;
import io.odoosidecar.odoo.TransportKind;
import io.odoosidecar.odoo.ValueCodec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Console logins checked by Odoo: the user's own login and password against the connection's
 * database, then the user's groups.
 *
 * <p>Implementation notes: every call is made as the user, so the sidecar's own credentials are
 * never involved. The group's xml id is resolved through {@code ir.model.data}; the user's groups
 * are read from the first field {@code res.users} has of {@code all_group_ids} (Odoo 19: with the
 * implied groups), {@code groups_id} (Odoo 17 and 18, which store the implied groups there) and
 * {@code group_ids}. {@code res.users.has_group} is not used: it changed from a model method to a
 * record method between 17 and 18. A user who may not read those is not let in.
 */
public final class OdooAuthenticator implements Authenticator {
  /** The fields of {@code res.users} holding a user's groups, the most complete first. */
  static final List<String> GROUP_FIELDS = List.of("all_group_ids", "groups_id", "group_ids");

  private final OdooSettings connection;
  private final String group;
  private final Function<OdooSettings, OdooClient> clients;

  /** Logins on the database of {@code connection}, for users of {@code group} (an xml id). */
  public OdooAuthenticator(OdooSettings connection, String group) {
    this(connection, group, OdooClients::create);
  }

  /** The same, with clients made by {@code clients} (a test's). */
  public OdooAuthenticator(
      OdooSettings connection, String group, Function<OdooSettings, OdooClient> clients) {
    this.connection = connection;
    this.group = group;
    this.clients = clients;
    if (group.split("\\.").length != 2) {
      throw new IllegalArgumentException("console.group must be an xml id, not '" + group + "'");
    }
  }

  @Override
  public Verdict authenticate(String login, String password) {
    if (login.isBlank() || password.isEmpty()) {
      return Verdict.refused(login);
    }
    List<Secret> typed = List.of(Secret.of(password));
    try (OdooClient client = clients.apply(settings(login, password))) {
      long uid;
      try {
        uid = client.authenticate();
      } catch (OdooAuthenticationException e) {
        return Verdict.refused(login);
      }
      return membership(client, login, uid);
    } catch (OdooFaultException e) {
      return Verdict.unavailable(
          login, "Odoo refused the check: " + Redaction.text(e.getMessage(), typed));
    } catch (OdooException e) {
      return Verdict.unavailable(
          login, "Odoo cannot be reached: " + Redaction.text(e.getMessage(), typed));
    }
  }

  /** The connection's settings with the user's credentials, without retries. */
  OdooSettings settings(String login, String password) {
    TransportKind transport =
        connection.transport() == TransportKind.XMLRPC
            ? TransportKind.XMLRPC
            : TransportKind.JSONRPC;
    return new OdooSettings(
        connection.name(),
        connection.url(),
        connection.database(),
        login,
        Optional.of(Secret.of(password)),
        Optional.empty(),
        transport,
        connection.connectTimeout(),
        connection.requestTimeout(),
        connection.tlsVerify(),
        RetryPolicy.NONE,
        connection.fieldsCacheTtl(),
        connection.sendDatabaseHeader());
  }

  private Verdict membership(OdooClient client, String login, long uid) {
    Optional<Long> groupId;
    String field;
    try {
      groupId = groupId(client);
      if (groupId.isEmpty()) {
        return Verdict.unavailable(login, "Odoo has no group " + group + " (console.group)");
      }
      Map<String, FieldInfo> fields = client.fieldsGet("res.users");
      field = GROUP_FIELDS.stream().filter(fields::containsKey).findFirst().orElse(null);
    } catch (OdooFaultException e) {
      return notInGroup(login, "may not read the groups: " + e.odooMessage());
    }
    if (field == null) {
      return Verdict.unavailable(login, "res.users has none of the fields " + GROUP_FIELDS);
    }
    try {
      List<OdooRecord> users = client.read("res.users", List.of(uid), List.of(field));
      if (!users.isEmpty() && users.get(0).ids(field).contains(groupId.get())) {
        return Verdict.accepted(login);
      }
      return notInGroup(login, "is not in the group " + group);
    } catch (OdooFaultException e) {
      return notInGroup(login, "may not read its groups: " + e.odooMessage());
    }
  }

  private Verdict notInGroup(String login, String why) {
    return Verdict.notInGroup(login, "user '" + login + "' " + why);
  }

  private Optional<Long> groupId(OdooClient client) {
    String[] parts = group.split("\\.");
    List<OdooRecord> rows =
        client.searchRead(
            "ir.model.data",
            List.of(
                List.of("module", "=", parts[0]),
                List.of("name", "=", parts[1]),
                List.of("model", "=", "res.groups")),
            List.of("res_id"),
            SearchOptions.limit(1));
    return rows.isEmpty()
        ? Optional.empty()
        : Optional.of(ValueCodec.asLong(rows.get(0).raw("res_id")));
  }
}
