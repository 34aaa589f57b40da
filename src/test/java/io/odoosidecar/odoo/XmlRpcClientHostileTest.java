package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXException;

/**
 * Answers from an Odoo stand-in that name a DTD or an entity: the client refuses them with a clear
 * error and fetches nothing; and the parser's own settings refuse them when the prolog check is not
 * in the way.
 */
class XmlRpcClientHostileTest {
  @TempDir Path dir;
  HostileXml hostile;
  HttpServer odoo;
  final AtomicReference<byte[]> answer = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    hostile = new HostileXml();
    odoo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    odoo.createContext(
        "/xmlrpc/2/common",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body = answer.get();
          exchange.getResponseHeaders().add("Content-Type", "text/xml");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    odoo.start();
  }

  @AfterEach
  void stop() {
    odoo.stop(0);
    hostile.close();
  }

  Map<String, byte[]> variants(boolean call) throws Exception {
    Path existing = Files.writeString(dir.resolve("secret.txt"), "root:x:0:0");
    return hostile.variants(call, existing, dir.resolve("missing.txt"));
  }

  @Test
  void answer_withADoctypeOfAnyKind_isRefusedWithAClearErrorAndFetchesNothing() throws Exception {
    OdooClient client =
        OdooClients.create(
            OdooSettings.of(
                    "stand-in",
                    URI.create("http://127.0.0.1:" + odoo.getAddress().getPort()),
                    "odoo",
                    "admin",
                    Secret.of("admin"),
                    null)
                .withTransport(TransportKind.XMLRPC)
                .withRetry(RetryPolicy.NONE)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5)));

    for (Map.Entry<String, byte[]> variant : variants(false).entrySet()) {
      answer.set(variant.getValue());
      assertThatThrownBy(client::version, variant.getKey())
          .isInstanceOf(OdooTransportException.class)
          .hasMessageContaining("XML-RPC /xmlrpc/2/common version")
          .hasMessageContaining(XmlGuard.REFUSED)
          .hasMessageNotContaining("root");
    }

    assertThat(hostile.hits()).isZero();
  }

  @Test
  void parser_withoutThePrologCheck_stillRefusesEveryDtdAndEntity() throws Exception {
    XmlRpcCodec codec = new XmlRpcCodec();
    Map<String, byte[]> answers = variants(false);
    Map<String, byte[]> calls = variants(true);
    // "<!doctype" is no DOCTYPE to a parser (XML is case-sensitive): malformed, refused as such
    assertThatThrownBy(() -> codec.parseAnswer(answers.remove("lower case, after a BOM")))
        .isInstanceOf(SAXException.class);
    assertThatThrownBy(() -> codec.parseCall(calls.remove("lower case, after a BOM")))
        .isInstanceOf(SAXException.class);
    for (Map.Entry<String, byte[]> variant : answers.entrySet()) {
      assertThatThrownBy(() -> codec.parseAnswer(variant.getValue()), variant.getKey())
          .isInstanceOf(SAXException.class)
          .hasMessage(XmlGuard.REFUSED);
    }
    for (Map.Entry<String, byte[]> variant : calls.entrySet()) {
      assertThatThrownBy(() -> codec.parseCall(variant.getValue()), variant.getKey())
          .isInstanceOf(SAXException.class)
          .hasMessage(XmlGuard.REFUSED);
    }

    assertThat(hostile.hits()).isZero();
  }

  @Test
  void parser_afterARefusal_stillReadsAnOrdinaryAnswer() throws Exception {
    XmlRpcCodec codec = new XmlRpcCodec();
    assertThatThrownBy(() -> codec.answer(variants(false).get("billion laughs")))
        .isInstanceOf(XmlGuard.Refused.class);

    XmlRpcCodec.Answer ordinary =
        codec.answer(
            "<?xml version='1.0'?><methodResponse><params><param><value><string>a &amp; b"
                .concat("</string></value></param></params></methodResponse>")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(ordinary.result()).isEqualTo("a & b");
  }
}
