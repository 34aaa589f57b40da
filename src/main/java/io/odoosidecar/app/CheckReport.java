package io.odoosidecar.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** What {@code rules check} and {@code sync check} print: every problem, then a count. */
final class CheckReport {
  private CheckReport() {}

  /**
   * Checks every entry of every file, prints each problem and the totals.
   *
   * @param noun what is checked, plural ({@code rules}, {@code sync configs})
   * @return {@link ExitCodes#OK} when nothing is wrong, else {@link ExitCodes#ODOO_ERROR}
   */
  static <T> int print(
      PrintWriter out,
      Map<Path, List<T>> bySource,
      BiFunction<Path, T, List<String>> check,
      String noun) {
    int count = 0;
    int problems = 0;
    for (Map.Entry<Path, List<T>> file : bySource.entrySet()) {
      for (T entry : file.getValue()) {
        count++;
        for (String problem : check.apply(file.getKey(), entry)) {
          out.println(problem);
          problems++;
        }
      }
    }
    out.println(count + " " + noun + " checked, " + problems + " problems");
    out.flush();
    return problems == 0 ? ExitCodes.OK : ExitCodes.ODOO_ERROR;
  }
}
