package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXException;

class XmlRpcCodecTest {
  private final XmlRpcCodec codec = new XmlRpcCodec();

  @Test
  void externalEntity_isNeverResolved(@TempDir Path dir) throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "TOP-SECRET");
    String xxe =
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file://"
            + secret
            + "\">]>"
            + "<methodResponse><params><param><value><string>&x;</string></value></param></params></methodResponse>";
    Object decoded;
    try {
      decoded = codec.answer(xxe.getBytes(StandardCharsets.UTF_8)).result();
    } catch (SAXException refused) {
      return; // refusing the document is fine too
    }
    assertThat(String.valueOf(decoded)).doesNotContain("TOP-SECRET");
  }

  @Test
  void vendorExtension_serializable_isRefused() {
    String answer =
        "<?xml version=\"1.0\"?><methodResponse xmlns:ex=\"http://ws.apache.org/xmlrpc/namespaces/extensions\">"
            + "<params><param><value><ex:serializable>rO0ABXQAA2Zvbw==</ex:serializable></value></param></params>"
            + "</methodResponse>";
    assertThatThrownBy(() -> codec.answer(answer.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SAXException.class);
  }

  @Test
  void pythonExtensions_nilAndI8_roundTrip() throws Exception {
    List<Object> params = new ArrayList<>();
    params.add(null);
    params.add(5_000_000_000L);
    params.add(Map.of("a", List.of(1L, 2.5, true, "é<&>")));
    String request = new String(codec.request("m", params), StandardCharsets.UTF_8);
    assertThat(request)
        .contains("<nil/>")
        .contains("<i8>5000000000</i8>")
        .contains("<string>é&lt;&amp;&gt;</string>");
    XmlRpcTestParser.Call parsed = XmlRpcTestParser.call(request);
    assertThat(parsed.params()).isEqualTo(params);
    String answer =
        "<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>"
            + "<value><nil/></value><value><i8>5000000000</i8></value><value>bare text</value>"
            + "</data></array></value></param></params></methodResponse>";
    List<Object> expected = new ArrayList<>();
    expected.add(null);
    expected.add(5_000_000_000L);
    expected.add("bare text");
    assertThat(codec.answer(answer.getBytes(StandardCharsets.UTF_8)).result()).isEqualTo(expected);
  }

  @Test
  void malformedAnswer_failsAndTheNextOneStillParses() throws SAXException {
    assertThatThrownBy(
            () -> codec.answer("<methodResponse><params>".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SAXException.class);
    String ok =
        "<?xml version=\"1.0\"?><methodResponse><params><param><value><int>7</int></value></param></params></methodResponse>";
    assertThat(answer(ok)).isEqualTo(7L);
  }

  private Object answer(String xml) throws SAXException {
    return codec.answer(xml.getBytes(StandardCharsets.UTF_8)).result();
  }
}
