package io.odoosidecar.odoo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The HTTP exchanges of one Odoo server: blocking HTTP/1.1 with the JDK's keep-alive connection
 * cache, time-outs, TLS verified unless turned off. Never logs a body or a header, which may carry
 * secrets.
 *
 * <p>Implementation notes: {@link HttpURLConnection} was measured against {@code
 * java.net.http.HttpClient} on loopback with a server that closes every connection after its
 * answer, as Odoo's own HTTP server does: 0.15 ms against 0.43 ms per call (Python's {@code
 * xmlrpc.client}: 0.40 ms). The JDK silently sends a POST again when a kept-alive connection turns
 * out closed; {@code sun.net.http.retryPost} is turned off so that a call that may have reached
 * Odoo is never re-sent behind the caller's back. The connect phase is done apart, so that a
 * failure there is known not to have delivered anything.
 */
final class OdooHttp {
  static {
    if (System.getProperty("sun.net.http.retryPost") == null) {
      System.setProperty("sun.net.http.retryPost", "false");
    }
  }

  /** An HTTP answer. */
  record Response(int status, String contentType, byte[] body) {}

  private final URI base;

  /** The base URL as messages show it: credentials masked. */
  private final String shown;

  private final int connectTimeoutMillis;
  private final int requestTimeoutMillis;
  private final Duration requestTimeout;
  private final SSLSocketFactory trustingSocketFactory;

  OdooHttp(URI base, Duration connectTimeout, Duration requestTimeout, boolean verifyTls) {
    this.base = base;
    this.shown = Redaction.url(base);
    this.connectTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis());
    this.requestTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
    this.requestTimeout = requestTimeout;
    this.trustingSocketFactory = verifyTls ? null : trustingEveryone().getSocketFactory();
  }

  Response post(String path, String contentType, byte[] body, Map<String, String> headers) {
    return send("POST", path, contentType, body, headers);
  }

  Response get(String path, Map<String, String> headers) {
    return send("GET", path, null, null, headers);
  }

  private Response send(
      String method, String path, String contentType, byte[] body, Map<String, String> headers) {
    URI uri = resolve(path);
    String where = method + " " + uri.getPath();
    HttpURLConnection connection = open(uri, where);
    try {
      connection.setRequestMethod(method);
      connection.setConnectTimeout(connectTimeoutMillis);
      connection.setReadTimeout(requestTimeoutMillis);
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setRequestProperty("User-Agent", "odoo-sidecar");
      connection.setRequestProperty("Accept", "*/*");
      if (contentType != null) {
        connection.setRequestProperty("Content-Type", contentType);
      }
      headers.forEach(connection::setRequestProperty);
      if (body != null) {
        // Not streaming mode: in it, the JDK drops the body of a 401, which JSON-2 fills.
        connection.setDoOutput(true);
      }
      connect(connection, where);
      try {
        if (body != null) {
          try (OutputStream out = connection.getOutputStream()) {
            out.write(body);
          }
        }
        int status = connection.getResponseCode();
        InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        byte[] answer;
        if (in == null) {
          answer = new byte[0];
        } else {
          try (InputStream stream = in) {
            answer = stream.readAllBytes();
          }
        }
        String type = connection.getContentType();
        return new Response(status, type == null ? "" : type, answer);
      } catch (SocketTimeoutException e) {
        connection.disconnect();
        throw new OdooTransportException(
            where + ": no answer from " + shown + " within " + requestTimeout, true, 0, true, e);
      } catch (IOException e) {
        connection.disconnect();
        throw new OdooTransportException(
            where + ": connection to " + shown + " failed: " + Redaction.text(String.valueOf(e)),
            true,
            0,
            true,
            e);
      }
    } catch (java.net.ProtocolException e) {
      throw new IllegalStateException("invalid request " + where + ": " + e.getMessage(), e);
    }
  }

  private HttpURLConnection open(URI uri, String where) {
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      if (trustingSocketFactory != null && connection instanceof HttpsURLConnection https) {
        https.setSSLSocketFactory(trustingSocketFactory);
        https.setHostnameVerifier((host, session) -> true);
      }
      return connection;
    } catch (IOException | IllegalArgumentException e) {
      throw new OdooTransportException(
          where + ": cannot reach " + shown + ": " + Redaction.text(String.valueOf(e)),
          false,
          0,
          true,
          e);
    }
  }

  /** Opens the connection; a failure here surely delivered nothing. */
  private void connect(HttpURLConnection connection, String where) {
    try {
      connection.connect();
    } catch (SocketTimeoutException e) {
      throw new OdooTransportException(
          where + ": connection to " + shown + " timed out", false, 0, true, e);
    } catch (ConnectException | NoRouteToHostException e) {
      throw new OdooTransportException(
          where + ": connection to " + shown + " refused", false, 0, true, e);
    } catch (javax.net.ssl.SSLException e) {
      throw new OdooTransportException(
          where + ": TLS handshake with " + shown + " failed: " + Redaction.text(e.getMessage()),
          false,
          0,
          true,
          e);
    } catch (UnknownHostException e) {
      throw new OdooTransportException(
          where + ": unknown host " + base.getHost(), false, 0, true, e);
    } catch (IOException e) {
      throw new OdooTransportException(
          where + ": cannot connect to " + shown + ": " + Redaction.text(String.valueOf(e)),
          false,
          0,
          true,
          e);
    }
  }

  private URI resolve(String path) {
    String prefix = base.toString();
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return URI.create(prefix + path);
  }

  private static SSLContext trustingEveryone() {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // Verification is turned off on purpose by configuration (tls-verify: false).
          }

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Verification is turned off on purpose by configuration (tls-verify: false).
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a TLS context", e);
    }
  }
}
