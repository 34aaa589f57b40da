package io.odoosidecar.odoo;

import java.util.List;
import java.util.Map;

/** One of Odoo's wire protocols: how a call is encoded, sent, and how its answer is decoded. */
interface Protocol {
  /** Credentials of a session: the database, the login, and the password or API key. */
  record Credentials(String database, String login, String secret) {
    @Override
    public String toString() {
      return "Credentials[database=" + database + ", login=" + login + "]";
    }
  }

  TransportKind kind();

  ServerVersion version();

  /**
   * Checks the credentials and returns the user id, or throws {@link OdooAuthenticationException}.
   */
  long authenticate(Credentials credentials);

  /** Runs a model method for the user {@code uid}; arguments are already in wire form. */
  Object call(
      Credentials credentials,
      long uid,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs);

  /** The parameters of {@code common.authenticate}: database, login, secret, user agent info. */
  static List<Object> authenticateParams(Credentials credentials) {
    List<Object> params = new java.util.ArrayList<>(4);
    params.add(credentials.database());
    params.add(credentials.login());
    params.add(credentials.secret());
    params.add(Map.of());
    return params;
  }

  /**
   * The user id {@code authenticate} answered; {@code false} means the credentials were refused.
   */
  static long uidOrRefuse(Object answer, Credentials credentials) {
    if (!(answer instanceof Long uid)) {
      throw OdooAuthenticationException.refused(credentials.database(), credentials.login());
    }
    return uid;
  }

  /** The parameters of {@code object.execute_kw}. */
  static List<Object> executeKwParams(
      Credentials credentials,
      long uid,
      String model,
      String method,
      List<Object> args,
      Map<String, Object> kwargs) {
    List<Object> params = new java.util.ArrayList<>(7);
    params.add(credentials.database());
    params.add(uid);
    params.add(credentials.secret());
    params.add(model);
    params.add(method);
    params.add(args);
    params.add(kwargs);
    return params;
  }

  /** Raises the transport failure that an HTTP status stands for, if it stands for one. */
  static void checkGatewayStatus(String where, OdooHttp.Response response) {
    int status = response.status();
    if (status == 502 || status == 503 || status == 504) {
      throw new OdooTransportException(
          where + ": the server answered HTTP " + status, true, status, true, null);
    }
  }

  /** The failure for an answer that is not the protocol's at all. */
  static OdooTransportException unexpected(String where, OdooHttp.Response response) {
    String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
    if (body.length() > 200) {
      body = body.substring(0, 200) + "...";
    }
    return new OdooTransportException(
        where
            + ": unexpected answer HTTP "
            + response.status()
            + " ("
            + response.contentType()
            + "): "
            + body.replaceAll("\\s+", " "),
        true,
        response.status(),
        false,
        null);
  }
}
