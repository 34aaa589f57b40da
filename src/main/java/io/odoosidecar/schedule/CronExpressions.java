package io.odoosidecar.schedule;

import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.quartz.CronExpression;

/**
 * Cron expressions as Quartz reads them. A five-field expression ({@code min hour dom month dow},
 * as crontab writes it) becomes Quartz's six fields: seconds {@code 0} first; of day of month and
 * day of week, the one left {@code *} becomes {@code ?} (Quartz wants exactly one of them so); and
 * the days of week, which cron numbers 0 (or 7) for Sunday to 6, are written as Quartz's 1 (Sunday)
 * to 7, as a list. Six or seven fields are taken as Quartz's own.
 *
 * <p>Cron runs a job when either day field matches if both are restricted; Quartz cannot say that,
 * so such an expression is refused rather than run on other days than written.
 */
public final class CronExpressions {
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

  private CronExpressions() {}

  /**
   * The expression in Quartz's syntax, checked.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static String quartz(String expression) {
    String[] fields = expression.trim().split("\\s+");
    String quartz;
    if (fields.length == 5) {
      quartz = fromCron(fields);
    } else if (fields.length == 6 || fields.length == 7) {
      quartz = String.join(" ", fields);
    } else {
      throw new IllegalArgumentException(
          "a cron expression has five fields (min hour dom month dow), or Quartz's six or seven;"
              + " got "
              + fields.length
              + " in '"
              + expression
              + "'");
    }
    CronExpression parsed;
    try {
      parsed = new CronExpression(quartz);
    } catch (ParseException e) {
      throw new IllegalArgumentException(
          "'" + expression + "' is not a valid cron expression: " + e.getMessage(), e);
    }
    if (parsed.getNextValidTimeAfter(new java.util.Date()) == null) {
      throw new IllegalArgumentException("'" + expression + "' never fires again");
    }
    return quartz;
  }

  private static String fromCron(String[] f) {
    String dom = f[2];
    String dow = f[4];
    boolean anyDom = "*".equals(dom) || "?".equals(dom);
    boolean anyDow = "*".equals(dow) || "?".equals(dow);
    if (!anyDom && !anyDow) {
      throw new IllegalArgumentException(
          "a cron expression restricting both the day of month ("
              + dom
              + ") and the day of week ("
              + dow
              + ") runs on either in cron, which Quartz cannot express: restrict one of them");
    }
    String quartzDom = anyDom && !anyDow ? "?" : dom;
    String quartzDow = anyDow ? "?" : days(dow);
    return String.join(" ", "0", f[0], f[1], quartzDom, f[3], quartzDow);
  }

  /** Cron's day-of-week field as the list of Quartz's day numbers it names. */
  private static String days(String field) {
    TreeSet<Integer> days = new TreeSet<>();
    for (String item : field.split(",", -1)) {
      days.addAll(item(item, field));
    }
    return days.stream().map(d -> String.valueOf(d + 1)).collect(Collectors.joining(","));
  }

  /** The days (0 = Sunday) of one item of the field: {@code *}, {@code a}, {@code a-b}, /step. */
  private static TreeSet<Integer> item(String item, String field) {
    String range = item;
    int step = 1;
    int slash = item.indexOf('/');
    if (slash >= 0) {
      range = item.substring(0, slash);
      step = number(item.substring(slash + 1), field, 1, 7);
    }
    int from;
    int to;
    if ("*".equals(range)) {
      from = 0;
      to = 6;
    } else if (range.contains("-")) {
      String[] ends = range.split("-", -1);
      if (ends.length != 2) {
        throw bad(field);
      }
      from = day(ends[0], field);
      to = day(ends[1], field);
      if (to == 0 && from > 0) {
        to = 7; // 5-7, FRI-SUN: up to Sunday
      }
    } else {
      from = day(range, field);
      to = slash >= 0 ? 6 : from;
    }
    if (to < from) {
      throw new IllegalArgumentException(
          "day of week '" + item + "' in '" + field + "' runs backwards");
    }
    TreeSet<Integer> out = new TreeSet<>();
    for (int d = from; d <= to; d += step) {
      out.add(d % 7);
    }
    return out;
  }

  /** A day of week: 0-7 (0 and 7 Sunday) or a name. */
  private static int day(String text, String field) {
    int named = DAYS.indexOf(text.toUpperCase(Locale.ROOT));
    return named >= 0 ? named : number(text, field, 0, 7);
  }

  private static int number(String text, String field, int min, int max) {
    try {
      int n = Integer.parseInt(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      throw bad(field);
    }
    throw bad(field);
  }

  private static IllegalArgumentException bad(String field) {
    return new IllegalArgumentException(
        "day of week '"
            + field
            + "' is not cron's: numbers 0-7 (0 and 7 are Sunday) or SUN-SAT, lists, ranges and"
            + " steps");
  }
}
