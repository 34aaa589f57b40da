package io.odoosidecar.odoo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the DOCTYPE walls let through: every ordinary XML-RPC document. */
class XmlGuardTest {
  final XmlRpcCodec codec = new XmlRpcCodec();

  static String call() {
    return "<methodCall><methodName>vers&#105;on</methodName><params><param><value><string>"
        + "a &amp; b &lt; c ".repeat(100)
        + "</string></value></param></params></methodCall>";
  }

  @Test
  void call_withEntitiesCommentsAndInstructionsButNoDoctype_isDecoded() throws Exception {
    String body =
        "<?xml version='1.0' encoding='utf-8'?>\n<!-- <!DOCTYPE in a comment -->\n<?pi x?>"
            + call();

    XmlRpcCodec.Call decoded = codec.call(body.getBytes(StandardCharsets.UTF_8));

    assertThat(decoded.method()).isEqualTo("version");
    assertThat(decoded.params()).singleElement().asString().startsWith("a & b < c ");
  }

  @Test
  void call_inUtf16WithABomOrInUtf8WithOne_isDecoded() throws Exception {
    byte[] utf16 =
        ("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + call()).getBytes(StandardCharsets.UTF_16);
    byte[] utf8 = call().getBytes(StandardCharsets.UTF_8);
    byte[] bom = new byte[utf8.length + 3];
    bom[0] = (byte) 0xEF;
    bom[1] = (byte) 0xBB;
    bom[2] = (byte) 0xBF;
    System.arraycopy(utf8, 0, bom, 3, utf8.length);

    assertThat(codec.call(utf16).method()).isEqualTo("version");
    assertThat(codec.call(bom).method()).isEqualTo("version");
  }
}
