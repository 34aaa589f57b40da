package io.odoosidecar.odoo;

import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.sax.WstxSAXParser;
import com.ctc.wstx.stax.WstxInputFactory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLResolver;
import javax.xml.stream.XMLStreamException;
import org.xml.sax.SAXException;
import org.xml.sax.SAXNotRecognizedException;
import org.xml.sax.SAXNotSupportedException;
import org.xml.sax.XMLReader;
import org.xml.sax.ext.DefaultHandler2;

/**
 * Keeps XML-RPC documents (calls the endpoint receives, answers the client reads) from naming a DTD
 * or an entity: such a document is refused before anything in it is resolved.
 *
 * <p>Implementation notes: two walls. {@link #refuseDoctype} reads the prolog (the byte order mark,
 * UTF-8, UTF-16 and UTF-32 with or without one, the XML declaration, comments and processing
 * instructions) and refuses any {@code <!} that is not a comment before the root element, and any
 * encoding but UTF-8, UTF-16, US-ASCII and ISO-8859-1. {@link #harden} then sets the parser so that
 * it would refuse a DTD even if the first wall were passed: DTD support off in Woodstox's reader
 * configuration (its SAX parser turns it back on when built), every resolver (DTD, entity,
 * undeclared entity, SAX's {@code EntityResolver}) refusing, a lexical handler that stops at a
 * DOCTYPE, no entity expansion beyond a handful, and a bounded element depth. Every refusal carries
 * the same fixed message, {@link #REFUSED}: nothing of a local file or a remote answer reaches it.
 */
public final class XmlGuard {
  /** The one reason every refused document is given. */
  public static final String REFUSED = "XML with a DOCTYPE or an entity declaration is refused";

  /** The deepest element nesting accepted (an XML-RPC value takes about four per level). */
  public static final int MAX_ELEMENT_DEPTH = 256;

  /** How much of a document may come before its root element. */
  static final int MAX_PROLOG_CHARS = 16 * 1024;

  private static final Set<String> ENCODINGS =
      Set.of("utf-8", "utf8", "utf-16", "utf-16be", "utf-16le", "us-ascii", "ascii", "iso-8859-1");

  private XmlGuard() {}

  /** A document refused by either wall. */
  public static final class Refused extends SAXException {
    private static final long serialVersionUID = 1L;

    Refused() {
      super(REFUSED);
    }

    Refused(String reason) {
      super(reason);
    }
  }

  /** Refuses a document whose prolog holds a DOCTYPE (or any other {@code <!} declaration). */
  public static void refuseDoctype(byte[] body) throws Refused {
    Charset charset = charset(body);
    int skip = bomLength(body);
    int length = Math.min(body.length - skip, MAX_PROLOG_CHARS * 4);
    String text = new String(body, skip, length, charset);
    int at = 0;
    while (true) {
      while (at < text.length() && isSpace(text.charAt(at))) {
        at++;
      }
      if (at >= MAX_PROLOG_CHARS) {
        throw new Refused("XML prolog longer than " + MAX_PROLOG_CHARS + " characters is refused");
      }
      if (text.startsWith("<?", at)) {
        int end = text.indexOf("?>", at + 2);
        if (at == 0) { // the XML declaration
          checkDeclaredEncoding(text.substring(at, end < 0 ? text.length() : end));
        }
        at = end < 0 ? text.length() : end + 2;
      } else if (text.startsWith("<!--", at)) {
        int end = text.indexOf("-->", at + 4);
        at = end < 0 ? text.length() : end + 3;
      } else if (text.startsWith("<!", at)) {
        throw new Refused();
      } else {
        return; // the root element, or something the parser refuses as malformed
      }
    }
  }

  /** The parser settings that refuse any DTD and entity, whatever the document's prolog. */
  static void harden(WstxInputFactory factory) {
    XMLResolver refuse =
        (publicId, systemId, base, namespace) -> {
          throw new XMLStreamException(REFUSED);
        };
    factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
    factory.setProperty(XMLInputFactory.RESOLVER, refuse);
    factory.setProperty(WstxInputProperties.P_DTD_RESOLVER, refuse);
    factory.setProperty(WstxInputProperties.P_ENTITY_RESOLVER, refuse);
    factory.setProperty(WstxInputProperties.P_UNDECLARED_ENTITY_RESOLVER, refuse);
    factory.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, 16L);
    factory.setProperty(WstxInputProperties.P_MAX_ENTITY_DEPTH, 1);
    factory.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, MAX_ELEMENT_DEPTH);
  }

  /** The same walls on a SAX reader built by Woodstox. */
  static void harden(XMLReader reader) {
    if (reader instanceof WstxSAXParser woodstox) {
      woodstox.getStaxConfig().doSupportDTDs(false); // its constructor turns them on
    }
    reader.setEntityResolver(
        (publicId, systemId) -> {
          throw new Refused();
        });
    try {
      reader.setProperty(
          "http://xml.org/sax/properties/lexical-handler",
          new DefaultHandler2() {
            @Override
            public void startDTD(String name, String publicId, String systemId)
                throws SAXException {
              throw new Refused();
            }
          });
    } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
      throw new IllegalStateException("the XML parser takes no lexical handler", e);
    }
  }

  /** Throws the fixed refusal when a parser failure came from one of the walls. */
  static void rethrowRefusal(Throwable failure) throws Refused {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof Refused || (t.getMessage() != null && t.getMessage().contains(REFUSED))) {
        throw new Refused();
      }
      if (t instanceof org.xml.sax.SAXException sax && sax.getException() != null) {
        rethrowRefusal(sax.getException());
      }
    }
  }

  private static void checkDeclaredEncoding(String declaration) throws Refused {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("encoding\\s*=\\s*[\"']([^\"']*)[\"']")
            .matcher(declaration);
    if (m.find() && !ENCODINGS.contains(m.group(1).toLowerCase(Locale.ROOT))) {
      throw new Refused("XML encoding is refused: use UTF-8 (or UTF-16, US-ASCII, ISO-8859-1)");
    }
  }

  private static int bomLength(byte[] b) {
    if (startsWith(b, 0xEF, 0xBB, 0xBF)) {
      return 3;
    }
    if (startsWith(b, 0x00, 0x00, 0xFE, 0xFF) || startsWith(b, 0xFF, 0xFE, 0x00, 0x00)) {
      return 4;
    }
    return startsWith(b, 0xFE, 0xFF) || startsWith(b, 0xFF, 0xFE) ? 2 : 0;
  }

  /** The charset the prolog is read in, by its byte order mark or its first bytes (XML's F.1). */
  private static Charset charset(byte[] b) throws Refused {
    if (startsWith(b, 0x00, 0x00, 0xFE, 0xFF) || startsWith(b, 0x00, 0x00, 0x00, 0x3C)) {
      return Charset.forName("UTF-32BE");
    }
    if (startsWith(b, 0xFF, 0xFE, 0x00, 0x00) || startsWith(b, 0x3C, 0x00, 0x00, 0x00)) {
      return Charset.forName("UTF-32LE");
    }
    if (startsWith(b, 0xFE, 0xFF) || startsWith(b, 0x00, 0x3C)) {
      return StandardCharsets.UTF_16BE;
    }
    if (startsWith(b, 0xFF, 0xFE) || startsWith(b, 0x3C, 0x00)) {
      return StandardCharsets.UTF_16LE;
    }
    if (startsWith(b, 0x4C, 0x6F, 0xA7, 0x94)) {
      throw new Refused("XML encoding is refused: use UTF-8 (or UTF-16, US-ASCII, ISO-8859-1)");
    }
    return StandardCharsets.ISO_8859_1; // every ASCII-compatible encoding reads its prolog alike
  }

  private static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }
}
