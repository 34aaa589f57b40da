package io.odoosidecar.http;

import io.odoosidecar.odoo.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The http(s) URLs configuration files name: Odoo connections, token endpoints. */
public final class HttpUrls {
  private HttpUrls() {}

  /**
   * The URL {@code text} names, which must be absolute http:// or https:// with a host.
   *
   * @throws IllegalArgumentException saying what is wrong, credentials in the text masked, in the
   *     form a configuration error takes after its key ("must be ...", "is not a URL: ...")
   */
  public static URI parse(String text) {
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "must be an http:// or https:// URL, got '" + Redaction.text(text) + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("is not a URL: " + Redaction.text(e.getReason()), e);
    }
  }
}
