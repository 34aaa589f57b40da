package io.odoosidecar.odoo;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS: verified by default, so a self-signed server is refused unless verification is off. */
class TlsTest {
  @RegisterExtension
  static WireMockExtension odoo =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().dynamicHttpsPort())
          .build();

  @Test
  void selfSignedServer_isRefusedByDefault_andAcceptedWhenVerificationIsOff() {
    OdooStubs.stubCommon(
        odoo, "version", "{\"server_version\":\"18.0\",\"server_version_info\":[18,0]}");
    URI https = URI.create("https://localhost:" + odoo.getRuntimeInfo().getHttpsPort());
    OdooSettings verified =
        OdooSettings.of("tls", https, "db", "admin", Secret.of("pw"), null)
            .withTransport(TransportKind.JSONRPC)
            .withRetry(RetryPolicy.NONE);

    assertThatThrownBy(() -> OdooClients.create(verified, d -> {}, Ticker.systemTicker()).version())
        .isInstanceOf(OdooTransportException.class)
        .hasMessageContaining("TLS handshake")
        .satisfies(e -> assertThat(((OdooTransportException) e).delivered()).isFalse());

    OdooSettings unverified =
        new OdooSettings(
            verified.name(),
            verified.url(),
            verified.database(),
            verified.login(),
            verified.password(),
            verified.apiKey(),
            verified.transport(),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5),
            false,
            verified.retry(),
            verified.fieldsCacheTtl(),
            true);
    assertThat(OdooClients.create(unverified, d -> {}, Ticker.systemTicker()).version().major())
        .isEqualTo(18);
  }
}
