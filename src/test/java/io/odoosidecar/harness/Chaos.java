package io.odoosidecar.harness;

import io.odoosidecar.odoo.LiveOdoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * {@code scripts/chaos}: changes made through Odoo while the cluster's instances are killed with
 * kill -9 and restarted, PostgreSQL and Odoo restarted and the counting endpoint down; then the
 * table of changes, disruptions and effects expected, found, duplicated, redelivered and lost. Exit
 * status 0 when nothing was lost or duplicated, 1 otherwise.
 *
 * <p>{@code --target live} (the default: ODOO_URL, ODOO_DB, ODOO_USER, ODOO_PASSWORD, the addon
 * installed; Odoo restarted with {@code scripts/dev-odoo}) or {@code --target double} (the HTTP
 * Odoo double, the harness pushing as the addon would; {@code --latency-ms 20}); the other options
 * are {@link ChaosSettings}'s ({@code --instances 2 --changes 10000 --kills 30 ...}).
 */
public final class Chaos {
  private Chaos() {}

  public static void main(String[] args) throws Exception {
    List<String> known = new ArrayList<>(Arrays.asList(ChaosSettings.OPTIONS));
    known.addAll(List.of("target", "latency-ms", "dir"));
    Map<String, String> options = Options.parse(args, known.toArray(String[]::new));
    ChaosSettings settings = ChaosSettings.full().with(options);
    boolean live = !"double".equals(options.getOrDefault("target", "live"));
    Path dir =
        options.containsKey("dir")
            ? Files.createDirectories(Path.of(options.get("dir")))
            : Files.createTempDirectory("sidecar-chaos");
    System.err.println("# chaos: instances' folders and logs under " + dir);
    ChaosReport report;
    try (ChaosTarget target =
        live
            ? new LiveTarget(
                LiveOdoo.settings(), Path.of(System.getProperty("harness.project", ".")))
            : new DoubleTarget(
                settings.changes(),
                Duration.ofMillis(Long.parseLong(options.getOrDefault("latency-ms", "20"))),
                ChaosRun.SECRET)) {
      report =
          new ChaosRun(target, live ? "the live Odoo" : "the HTTP Odoo double", settings, dir)
              .run();
    }
    report.print(System.out);
    System.exit(report.clean() ? 0 : 1);
  }
}
