package io.odoosidecar.odoo;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;

/** The live Odoo given by ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD (and ODOO_API_KEY). */
public final class LiveOdoo {
  public static final String SKIP =
      "ODOO_URL is not set: live Odoo tests skipped (see README, 'Integration tests')";

  private LiveOdoo() {}

  /** Skips the calling test, with a message, when no live Odoo is configured. */
  public static OdooSettings settings() {
    String url = System.getenv("ODOO_URL");
    if (url == null || url.isBlank()) {
      System.out.println(SKIP);
    }
    assumeTrue(url != null && !url.isBlank(), SKIP);
    String password = System.getenv("ODOO_PASSWORD");
    String apiKey = System.getenv("ODOO_API_KEY");
    return OdooSettings.of(
        "live",
        URI.create(url),
        env("ODOO_DB", "odoo"),
        env("ODOO_USER", "admin"),
        password == null ? null : Secret.of(password),
        apiKey == null || apiKey.isBlank() ? null : Secret.of(apiKey));
  }

  private static String env(String name, String absent) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? absent : value;
  }
}
