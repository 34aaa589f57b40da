package io.odoosidecar.odoo;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link OdooClient} over one of Odoo's wire protocols.
 *
 * <p>Implementation notes: the protocol, the user id and the server version are resolved on first
 * use and shared by every {@link #withContext} view. Read-only calls (see {@link OdooMethods}) are
 * retried on transport failures with the configured backoff; other calls are retried only when the
 * request surely did not reach the server (connection refused or connect time-out). The debug log
 * line of a call names the model, method and a short form of the arguments, which never hold the
 * credentials: those travel apart, in {@link Protocol.Credentials}.
 */
final class RpcOdooClient implements OdooClient {
  private static final Logger LOG = LoggerFactory.getLogger(RpcOdooClient.class);
  private static final List<String> FIELD_ATTRIBUTES =
      List.of(
          "type",
          "string",
          "relation",
          "relation_field",
          "selection",
          "store",
          "required",
          "readonly",
          "searchable",
          "sortable",
          "currency_field",
          "depends");

  /** State shared by a client and its context views. */
  private static final class Shared {
    final OdooSettings settings;
    final OdooHttp http;
    final RetryPolicy.Sleeper sleeper;
    final Cache<String, Map<String, FieldInfo>> fields;
    volatile Protocol protocol;
    volatile ServerVersion version;
    volatile long uid = -1;

    Shared(OdooSettings settings, RetryPolicy.Sleeper sleeper, Ticker ticker) {
      this.settings = settings;
      this.http =
          new OdooHttp(
              settings.url(),
              settings.connectTimeout(),
              settings.requestTimeout(),
              settings.tlsVerify());
      this.sleeper = sleeper;
      this.fields =
          Caffeine.newBuilder()
              .expireAfterWrite(settings.fieldsCacheTtl())
              .maximumSize(2_000)
              .ticker(ticker)
              .build();
    }
  }

  private final Shared shared;
  private final Map<String, Object> context;

  RpcOdooClient(OdooSettings settings, RetryPolicy.Sleeper sleeper, Ticker ticker) {
    this(new Shared(settings, sleeper, ticker), Map.of());
    if (!settings.tlsVerify()) {
      LOG.warn(
          "TLS certificate verification is off for connection '{}' ({})",
          settings.name(),
          Redaction.url(settings.url()));
    }
  }

  private RpcOdooClient(Shared shared, Map<String, Object> context) {
    this.shared = shared;
    this.context = context;
  }

  @Override
  public String name() {
    return shared.settings.name();
  }

  @Override
  public String database() {
    return shared.settings.database();
  }

  @Override
  public TransportKind transport() {
    return protocol().kind();
  }

  @Override
  public ServerVersion version() {
    protocol();
    return shared.version;
  }

  @Override
  public long authenticate() {
    long uid = shared.uid;
    if (uid >= 0) {
      return uid;
    }
    synchronized (shared) {
      if (shared.uid < 0) {
        Protocol protocol = protocol();
        long started = System.nanoTime();
        shared.uid = withRetry("authenticate", true, () -> protocol.authenticate(credentials()));
        LOG.debug(
            "{} authenticated login '{}' on '{}' as uid {} in {} ms",
            protocol.kind().configName(),
            shared.settings.login(),
            database(),
            shared.uid,
            (System.nanoTime() - started) / 1_000_000);
      }
      return shared.uid;
    }
  }

  @Override
  public Object executeKw(String model, String method, List<?> args, Map<String, ?> kwargs) {
    long uid = authenticate();
    Protocol protocol = protocol();
    @SuppressWarnings("unchecked")
    List<Object> wireArgs = (List<Object>) ValueCodec.encode(args);
    Map<String, Object> wireKwargs = addContext(ValueCodec.asMap(ValueCodec.encode(kwargs)));
    long started = System.nanoTime();
    try {
      Object result =
          withRetry(
              model + "." + method,
              OdooMethods.isReadOnly(method),
              () -> protocol.call(credentials(), uid, model, method, wireArgs, wireKwargs));
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "{} {}.{} args={} kwargs={} -> {} in {} ms",
            protocol.kind().configName(),
            model,
            method,
            summary(Redaction.callArguments(model, wireArgs)),
            summary(Redaction.callKeywords(model, wireKwargs)),
            summary(Redaction.callResult(model, method, wireArgs, wireKwargs, result)),
            (System.nanoTime() - started) / 1_000_000);
      }
      return result;
    } catch (OdooException e) {
      LOG.debug(
          "{} {}.{} args={} failed in {} ms: {}",
          protocol.kind().configName(),
          model,
          method,
          summary(Redaction.callArguments(model, wireArgs)),
          (System.nanoTime() - started) / 1_000_000,
          Redaction.text(e.getMessage()));
      throw e;
    }
  }

  @Override
  public OdooClient withContext(Map<String, ?> extra) {
    Map<String, Object> merged = new LinkedHashMap<>(context);
    merged.putAll(ValueCodec.asMap(ValueCodec.encode(extra)));
    return new RpcOdooClient(shared, Collections.unmodifiableMap(merged));
  }

  @Override
  public Map<String, FieldInfo> fieldsGet(String model) {
    return shared.fields.get(model, this::loadFields);
  }

  @Override
  public void invalidateFields(String model) {
    if (model == null) {
      shared.fields.invalidateAll();
    } else {
      shared.fields.invalidate(model);
    }
  }

  @Override
  public void close() {
    shared.fields.invalidateAll();
  }

  private Map<String, FieldInfo> loadFields(String model) {
    Map<String, Object> kwargs = new LinkedHashMap<>();
    kwargs.put("attributes", FIELD_ATTRIBUTES);
    Map<String, Object> answer =
        ValueCodec.asMap(executeKw(model, "fields_get", List.of(), kwargs));
    Map<String, FieldInfo> fields = new LinkedHashMap<>();
    answer.forEach(
        (name, attributes) -> fields.put(name, FieldInfo.of(name, ValueCodec.asMap(attributes))));
    return Collections.unmodifiableMap(fields);
  }

  private Map<String, Object> addContext(Map<String, Object> kwargs) {
    if (context.isEmpty()) {
      return kwargs;
    }
    Map<String, Object> out = new LinkedHashMap<>(kwargs);
    Map<String, Object> merged = new LinkedHashMap<>(context);
    merged.putAll(ValueCodec.asMap(kwargs.get("context")));
    out.put("context", merged);
    return out;
  }

  private Protocol.Credentials credentials() {
    Protocol protocol = protocol();
    OdooSettings settings = shared.settings;
    Secret secret =
        protocol.kind() == TransportKind.JSON2
            ? settings.apiKey().orElseThrow()
            : settings.rpcSecret();
    return new Protocol.Credentials(settings.database(), settings.login(), secret.reveal());
  }

  private Protocol protocol() {
    Protocol protocol = shared.protocol;
    if (protocol != null) {
      return protocol;
    }
    synchronized (shared) {
      if (shared.protocol == null) {
        resolveProtocol();
      }
      return shared.protocol;
    }
  }

  private void resolveProtocol() {
    OdooSettings settings = shared.settings;
    TransportKind wanted = settings.transport();
    Protocol chosen;
    if (wanted == TransportKind.AUTO) {
      shared.version = withRetry("version", true, this::probeVersion);
      boolean json2 = shared.version.hasJson2() && settings.apiKey().isPresent();
      chosen = json2 ? json2() : new JsonRpcProtocol(shared.http);
    } else {
      chosen =
          switch (wanted) {
            case XMLRPC -> new XmlRpcProtocol(shared.http);
            case JSONRPC -> new JsonRpcProtocol(shared.http);
            default -> json2();
          };
      Protocol probe = chosen;
      shared.version = withRetry("version", true, probe::version);
    }
    LOG.info(
        "connection '{}': Odoo {} at {}, database '{}', transport {}",
        settings.name(),
        shared.version.serverVersion(),
        Redaction.url(settings.url()),
        settings.database(),
        chosen.kind().configName());
    shared.protocol = chosen;
  }

  /**
   * The server's version through XML-RPC's {@code common.version}, which Odoo 16 to 21 answer, or
   * through {@code /web/version} for a server that no longer has XML-RPC.
   */
  private ServerVersion probeVersion() {
    try {
      return new XmlRpcProtocol(shared.http).version();
    } catch (OdooTransportException e) {
      if (e.retriable()) {
        throw e;
      }
      return new Json2Protocol(shared.http, shared.settings.sendDatabaseHeader()).version();
    }
  }

  private Protocol json2() {
    return new Json2Protocol(shared.http, shared.settings.sendDatabaseHeader());
  }

  private <T> T withRetry(String what, boolean readOnly, Supplier<T> call) {
    RetryPolicy retry = shared.settings.retry();
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (OdooTransportException e) {
        boolean mayResend = readOnly || !e.delivered();
        if (!e.retriable() || !mayResend || attempt >= retry.maxAttempts()) {
          throw e;
        }
        java.time.Duration wait = retry.backoff(attempt);
        LOG.warn(
            "connection '{}': {} failed ({}), try {} of {} in {} ms",
            shared.settings.name(),
            what,
            Redaction.text(e.getMessage()),
            attempt + 1,
            retry.maxAttempts(),
            wait.toMillis());
        try {
          shared.sleeper.sleep(wait);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** A short form of a wire value for the debug log. */
  static String summary(Object value) {
    String text =
        String.valueOf(value instanceof List<?> list && list.size() > 20 ? shortList(list) : value);
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }

  private static String shortList(List<?> list) {
    List<Object> head = new ArrayList<>(list.subList(0, 20));
    head.add("... " + (list.size() - 20) + " more");
    return head.toString();
  }
}
