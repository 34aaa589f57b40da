package io.odoosidecar.odoo;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * XML documents that name DTDs and entities, for the endpoint (calls) and the client (answers), and
 * a server on port 0 that records whether anything fetched what they name.
 */
public final class HostileXml implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger hits = new AtomicInteger();

  /** A recording server: it answers every request at once with an empty entity. */
  public HostileXml() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          hits.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  /** How many requests reached the recording server. */
  public int hits() {
    return hits.get();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** A call body (root {@code methodCall}) or an answer body (root {@code methodResponse}). */
  public static String document(boolean call) {
    return call
        ? "<methodCall><methodName>version&x;</methodName><params/></methodCall>"
        : "<methodResponse><params><param><value><string>&x;</string></value></param></params>"
            + "</methodResponse>";
  }

  /**
   * The variants, by name, in UTF-8 unless named otherwise: each must be refused and fetch nothing.
   */
  public Map<String, byte[]> variants(boolean call, Path existing, Path missing) {
    String body = document(call);
    String root = call ? "methodCall" : "methodResponse";
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put(
        "external DTD over http",
        utf8("<!DOCTYPE " + root + " SYSTEM \"" + url("/x.dtd") + "\">" + body));
    out.put(
        "external entity over http",
        utf8(
            "<?xml version=\"1.0\"?><!DOCTYPE "
                + root
                + " [<!ENTITY x SYSTEM \""
                + url("/entity")
                + "\">]>"
                + body));
    out.put(
        "parameter entity",
        utf8(
            "<!DOCTYPE "
                + root
                + " [<!ENTITY % p SYSTEM \""
                + url("/param.dtd")
                + "\"> %p;]>"
                + body));
    out.put(
        "file DTD, existing file",
        utf8("<!DOCTYPE " + root + " SYSTEM \"" + existing.toUri() + "\">" + body));
    out.put(
        "file DTD, missing file",
        utf8("<!DOCTYPE " + root + " SYSTEM \"" + missing.toUri() + "\">" + body));
    out.put("billion laughs", utf8(laughs(root) + body.replace("&x;", "&lol9;")));
    out.put(
        "after a comment and a PI",
        utf8(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- hello -->\n<?pi data?>\n<!DOCTYPE "
                + root
                + " SYSTEM \""
                + url("/after.dtd")
                + "\">"
                + body));
    out.put(
        "lower case, after a BOM",
        withBom(utf8("<!doctype " + root + " SYSTEM \"" + url("/bom.dtd") + "\">" + body)));
    String sixteen =
        "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE "
            + root
            + " SYSTEM \""
            + url("/utf16.dtd")
            + "\">"
            + body;
    out.put("UTF-16 with a BOM", encode(sixteen, StandardCharsets.UTF_16)); // big-endian, BOM
    out.put("UTF-16LE without a BOM", encode(sixteen, StandardCharsets.UTF_16LE));
    return out;
  }

  static String laughs(String root) {
    StringBuilder dtd = new StringBuilder("<!DOCTYPE " + root + " [<!ENTITY lol0 \"lol\">");
    for (int i = 1; i <= 9; i++) {
      dtd.append("<!ENTITY lol").append(i).append(" \"");
      for (int j = 0; j < 10; j++) {
        dtd.append("&lol").append(i - 1).append(';');
      }
      dtd.append("\">");
    }
    return dtd.append("]>").toString();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] encode(String text, Charset charset) {
    return text.getBytes(charset);
  }

  private static byte[] withBom(byte[] body) {
    byte[] out = new byte[body.length + 3];
    out[0] = (byte) 0xEF;
    out[1] = (byte) 0xBB;
    out[2] = (byte) 0xBF;
    System.arraycopy(body, 0, out, 3, body.length);
    return out;
  }
}
