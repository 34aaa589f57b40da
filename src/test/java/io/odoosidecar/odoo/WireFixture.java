package io.odoosidecar.odoo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The exchanges recorded from real Odoo servers, in {@code ../shared/fixtures}. */
final class WireFixture {
  /**
   * One recorded HTTP exchange.
   *
   * @param file the fixture it comes from, such as {@code odoo18/wire.json}
   * @param name the exchange's name in the recording
   * @param transport xmlrpc, jsonrpc or json2
   * @param httpMethod GET or POST
   * @param path the request path
   * @param requestHeaders the request headers that matter (JSON-2)
   * @param request the request body, or null
   * @param status the HTTP status
   * @param contentType the answer's content type
   * @param response the answer's body
   */
  record Exchange(
      String file,
      String name,
      String transport,
      String httpMethod,
      String path,
      Map<String, String> requestHeaders,
      String request,
      int status,
      String contentType,
      String response) {
    @Override
    public String toString() {
      return file + " " + name;
    }

    String key() {
      return file.substring(0, file.indexOf('/')) + "/" + name;
    }
  }

  private WireFixture() {}

  /** The folder holding the shared fixtures. */
  static Path fixtures() {
    Path shared = Path.of(System.getProperty("sidecar.shared", "../shared"));
    return shared.resolve("fixtures");
  }

  static List<Exchange> load(String file) {
    try {
      JsonNode root = new ObjectMapper().readTree(Files.readString(fixtures().resolve(file)));
      List<Exchange> out = new ArrayList<>();
      for (JsonNode x : root) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (x.has("request_headers")) {
          x.get("request_headers")
              .properties()
              .forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
        }
        String transport =
            x.has("transport") ? x.get("transport").asText() : transportOf(x.get("path").asText());
        out.add(
            new Exchange(
                file,
                x.get("name").asText(),
                transport,
                x.has("method") ? x.get("method").asText() : "POST",
                x.get("path").asText(),
                headers,
                x.get("request").isNull() ? null : restore(transport, x.get("request").asText()),
                x.get("status").asInt(),
                x.get("content_type").asText(),
                restore(transport, x.get("response").asText())));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read fixture " + file + " under " + fixtures(), e);
    }
  }

  /**
   * The recordings replaced absolute paths by {@code <odoo-root>} and the API key by {@code
   * <api-key>} after the fact, unescaped, which leaves some XML bodies ill-formed; the wire had
   * them escaped. This puts back the escaping, so that the body is well-formed XML again.
   */
  private static String restore(String transport, String body) {
    if (!transport.equals("xmlrpc") || body == null) {
      return body;
    }
    return body.replace("<odoo-root>", "&lt;odoo-root&gt;").replace("<api-key>", "&lt;api-key&gt;");
  }

  private static String transportOf(String path) {
    if (path.startsWith("/xmlrpc")) {
      return "xmlrpc";
    }
    return path.equals("/jsonrpc") ? "jsonrpc" : "json2";
  }
}
