package io.odoosidecar.odoo;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to connect to one Odoo database.
 *
 * @param name the connection's name in the configuration
 * @param url the server's base URL
 * @param database the database name
 * @param login the user's login
 * @param password the password, for XML-RPC and JSON-RPC
 * @param apiKey the API key, for JSON-2 (also accepted as a password by XML-RPC and JSON-RPC)
 * @param transport the transport to use, or {@link TransportKind#AUTO}
 * @param connectTimeout the longest wait for a connection
 * @param requestTimeout the longest wait for an answer
 * @param tlsVerify whether server certificates are verified (on unless turned off on purpose)
 * @param retry how transport failures of read-only calls are retried
 * @param fieldsCacheTtl how long field metadata is kept
 * @param sendDatabaseHeader whether JSON-2 calls name the database in {@code X-Odoo-Database}
 */
public record OdooSettings(
    String name,
    URI url,
    String database,
    String login,
    Optional<Secret> password,
    Optional<Secret> apiKey,
    TransportKind transport,
    Duration connectTimeout,
    Duration requestTimeout,
    boolean tlsVerify,
    RetryPolicy retry,
    Duration fieldsCacheTtl,
    boolean sendDatabaseHeader) {

  public OdooSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(retry, "retry");
    if (password.isEmpty() && apiKey.isEmpty()) {
      throw new IllegalArgumentException("connection '" + name + "' has no password nor API key");
    }
    if (transport == TransportKind.JSON2 && apiKey.isEmpty()) {
      throw new IllegalArgumentException(
          "connection '" + name + "' uses transport json2, which needs an API key");
    }
  }

  /** Settings with the defaults for everything but the address and credentials. */
  public static OdooSettings of(
      String name, URI url, String database, String login, Secret password, Secret apiKey) {
    return new OdooSettings(
        name,
        url,
        database,
        login,
        Optional.ofNullable(password),
        Optional.ofNullable(apiKey),
        TransportKind.AUTO,
        Duration.ofSeconds(10),
        Duration.ofSeconds(120),
        true,
        RetryPolicy.DEFAULT,
        Duration.ofMinutes(10),
        true);
  }

  public OdooSettings withTransport(TransportKind newTransport) {
    return new OdooSettings(
        name,
        url,
        database,
        login,
        password,
        apiKey,
        newTransport,
        connectTimeout,
        requestTimeout,
        tlsVerify,
        retry,
        fieldsCacheTtl,
        sendDatabaseHeader);
  }

  public OdooSettings withRetry(RetryPolicy newRetry) {
    return new OdooSettings(
        name,
        url,
        database,
        login,
        password,
        apiKey,
        transport,
        connectTimeout,
        requestTimeout,
        tlsVerify,
        newRetry,
        fieldsCacheTtl,
        sendDatabaseHeader);
  }

  public OdooSettings withTimeouts(Duration connect, Duration request) {
    return new OdooSettings(
        name,
        url,
        database,
        login,
        password,
        apiKey,
        transport,
        connect,
        request,
        tlsVerify,
        retry,
        fieldsCacheTtl,
        sendDatabaseHeader);
  }

  /** The secret for XML-RPC and JSON-RPC: the password, or else the API key. */
  Secret rpcSecret() {
    return password.orElseGet(apiKey::orElseThrow);
  }
}
