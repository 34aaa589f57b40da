package io.odoosidecar.odoo;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The HTTP exchanges of one Odoo server: keep-alive connections shared by every call, time-outs,
 * TLS verified unless turned off. Never logs a body or a header, which may carry secrets.
 */
final class OdooHttp {
  /** An HTTP answer. */
  record Response(int status, String contentType, byte[] body) {}

  private final URI base;
  private final HttpClient client;
  private final Duration requestTimeout;

  OdooHttp(URI base, Duration connectTimeout, Duration requestTimeout, boolean verifyTls) {
    this.base = base;
    this.requestTimeout = requestTimeout;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(connectTimeout)
            .followRedirects(HttpClient.Redirect.NEVER);
    if (!verifyTls) {
      builder.sslContext(trustingEveryone());
    }
    this.client = builder.build();
  }

  URI base() {
    return base;
  }

  Response post(String path, String contentType, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(resolve(path))
            .timeout(requestTimeout)
            .header("Content-Type", contentType)
            .header("User-Agent", "odoo-sidecar")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return send(request.build());
  }

  Response get(String path, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(resolve(path))
            .timeout(requestTimeout)
            .header("User-Agent", "odoo-sidecar")
            .GET();
    headers.forEach(request::header);
    return send(request.build());
  }

  private URI resolve(String path) {
    String prefix = base.toString();
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return URI.create(prefix + path);
  }

  private Response send(HttpRequest request) {
    String where = request.method() + " " + request.uri().getPath();
    try {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      String contentType = response.headers().firstValue("Content-Type").orElse("");
      return new Response(response.statusCode(), contentType, response.body());
    } catch (HttpConnectTimeoutException e) {
      throw new OdooTransportException(
          where + ": connection to " + base + " timed out", false, 0, true, e);
    } catch (ConnectException e) {
      throw new OdooTransportException(
          where + ": connection to " + base + " refused", false, 0, true, e);
    } catch (HttpTimeoutException e) {
      throw new OdooTransportException(
          where + ": no answer from " + base + " within " + requestTimeout, true, 0, true, e);
    } catch (IOException e) {
      throw new OdooTransportException(
          where + ": connection to " + base + " failed: " + e, true, 0, true, e);
    } catch (IllegalArgumentException e) {
      throw new OdooTransportException(
          where + ": cannot reach " + base + ": " + e, false, 0, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OdooTransportException(where + ": interrupted", true, 0, false, e);
    }
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
