package io.odoosidecar.console;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the templates show times, durations and lists: in UTC, in milliseconds, cut when long. */
public final class Format {
  /** What an absent value is shown as. */
  public static final String NONE = "–";

  static final int MAX_IDS = 20;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private Format() {}

  /** A time in UTC ({@code 2026-01-01 10:00:00 UTC}), or {@link #NONE}. */
  public static String time(Instant at) {
    return at == null ? NONE : TIME.format(at) + " UTC";
  }

  /** A duration given in microseconds, in milliseconds ({@code 12.3 ms}). */
  public static String micros(long micros) {
    return millis(micros / 1000.0);
  }

  /** A duration in milliseconds ({@code 12.3 ms}), or {@link #NONE}. */
  public static String millis(Double millis) {
    if (millis == null || millis.isNaN()) {
      return NONE;
    }
    if (millis >= 10_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000);
    }
    return String.format(Locale.ROOT, "%.1f ms", millis);
  }

  /** A duration, in milliseconds or seconds, or {@link #NONE}. */
  public static String duration(Duration duration) {
    return duration == null ? NONE : millis(duration.toNanos() / 1e6);
  }

  /** Ids separated by commas, the first {@value #MAX_IDS} and how many more. */
  public static String ids(List<Long> ids) {
    String shown =
        ids.stream().limit(MAX_IDS).map(String::valueOf).collect(Collectors.joining(", "));
    return ids.size() > MAX_IDS ? shown + " … (+" + (ids.size() - MAX_IDS) + ")" : shown;
  }

  /** A text, or {@link #NONE} when empty. */
  public static String text(String text) {
    return text == null || text.isEmpty() ? NONE : text;
  }

  /** The first line of a text, cut to {@code max} characters. */
  public static String line(String text, int max) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    int end = text.indexOf('\n');
    String first = end < 0 ? text : text.substring(0, end);
    return first.length() > max ? first.substring(0, max - 1) + "…" : first;
  }
}
