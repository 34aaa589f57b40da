package io.odoosidecar.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for the tests: {@code # HELP} and
 * {@code # TYPE} lines (each at most once a family, before its samples), metric and label names by
 * the format's grammar, label values and help texts with their escapes, float values ({@code NaN},
 * {@code +Inf}, {@code -Inf} included), optional timestamps, families kept together, no series
 * twice, counters named {@code _total} and never negative, and each histogram's buckets cumulative
 * up to a {@code +Inf} bucket equal to its {@code _count}, with its {@code _sum}. Anything else
 * fails with the line it is on.
 */
final class PrometheusText {
  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
  private static final Pattern FLOAT =
      Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf");
  private static final Pattern TIMESTAMP = Pattern.compile("-?[0-9]+");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value, Long timestamp) {}

  /** A metric family: its name, type, help and samples. */
  static final class Family {
    final String name;
    String type;
    String help;
    final List<Sample> samples = new ArrayList<>();

    Family(String name) {
      this.name = name;
    }
  }

  private final Map<String, Family> families = new LinkedHashMap<>();

  private PrometheusText() {}

  /** The families of {@code text}, in order. */
  Map<String, Family> families() {
    return families;
  }

  /** The family named {@code name}. */
  Family family(String name) {
    Family family = families.get(name);
    if (family == null) {
      throw new AssertionError("no metric family " + name + " in " + families.keySet());
    }
    return family;
  }

  /** Every sample named {@code name} (a family's name or one of its suffixed ones). */
  List<Sample> samples(String name) {
    List<Sample> out = new ArrayList<>();
    for (Family family : families.values()) {
      for (Sample sample : family.samples) {
        if (sample.name().equals(name)) {
          out.add(sample);
        }
      }
    }
    return out;
  }

  /** The value of the one sample named {@code name} with exactly these labels. */
  double value(String name, Map<String, String> labels) {
    for (Sample sample : samples(name)) {
      if (sample.labels().equals(labels)) {
        return sample.value();
      }
    }
    throw new AssertionError("no sample " + name + labels + " among " + samples(name));
  }

  /** The sum of the samples named {@code name} whose labels include {@code having}. */
  double sum(String name, Map<String, String> having) {
    double total = 0;
    for (Sample sample : samples(name)) {
      if (sample.labels().entrySet().containsAll(having.entrySet())) {
        total += sample.value();
      }
    }
    return total;
  }

  /** Parses {@code text}, or fails with the first line that breaks the format. */
  static PrometheusText parse(String text) {
    PrometheusText out = new PrometheusText();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text does not end with a line feed");
    }
    String[] lines = text.split("\n", -1);
    Set<String> closed = new HashSet<>();
    Set<String> series = new HashSet<>();
    Family current = null;
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      int number = i + 1;
      try {
        if (line.indexOf('\r') >= 0) {
          throw new IllegalArgumentException("a carriage return");
        }
        if (line.isEmpty()) {
          continue;
        }
        if (line.startsWith("#")) {
          Family touched = out.comment(line);
          if (touched != null) {
            if (!touched.samples.isEmpty() || closed.contains(touched.name)) {
              throw new IllegalArgumentException(
                  "# HELP or # TYPE of " + touched.name + " after its samples");
            }
            current = switchTo(current, touched, closed);
          }
          continue;
        }
        Sample sample = sample(line);
        Family family = out.familyOf(sample.name());
        if (closed.contains(family.name)) {
          throw new IllegalArgumentException("the family " + family.name + " is not kept together");
        }
        current = switchTo(current, family, closed);
        if (!series.add(sample.name() + new TreeMap<>(sample.labels()))) {
          throw new IllegalArgumentException("a series twice: " + sample.name() + sample.labels());
        }
        checkName(family, sample);
        family.samples.add(sample);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + number + ": " + e.getMessage() + ": " + line);
      }
    }
    for (Family family : out.families.values()) {
      check(family);
    }
    return out;
  }

  private static Family switchTo(Family current, Family next, Set<String> closed) {
    if (current != null && current != next) {
      closed.add(current.name);
    }
    return next;
  }

  /** A {@code # HELP} or {@code # TYPE} line's family, or null for another comment. */
  private Family comment(String line) {
    String[] parts = line.split("[ \t]+", 4);
    if (parts.length < 2 || !parts[0].equals("#")) {
      return null;
    }
    if (!parts[1].equals("HELP") && !parts[1].equals("TYPE")) {
      return null;
    }
    if (parts.length < 3 || !METRIC_NAME.matcher(parts[2]).matches()) {
      throw new IllegalArgumentException("no metric name after # " + parts[1]);
    }
    Family family = families.computeIfAbsent(parts[2], Family::new);
    if (!family.samples.isEmpty()) {
      throw new IllegalArgumentException(
          "# " + parts[1] + " of " + family.name + " after its samples");
    }
    String rest = parts.length == 4 ? parts[3] : "";
    if (parts[1].equals("HELP")) {
      if (family.help != null) {
        throw new IllegalArgumentException("a second # HELP");
      }
      family.help = unescapeHelp(rest);
    } else {
      if (family.type != null) {
        throw new IllegalArgumentException("a second # TYPE");
      }
      if (!TYPES.contains(rest)) {
        throw new IllegalArgumentException("unknown type '" + rest + "'");
      }
      family.type = rest;
    }
    return family;
  }

  /** The family a sample belongs to: a typed family's, or an untyped one of its own name. */
  private Family familyOf(String name) {
    Family exact = families.get(name);
    if (exact != null && exact.type != null && !exact.type.equals("histogram")) {
      return exact;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (name.endsWith(suffix)) {
        Family base = families.get(name.substring(0, name.length() - suffix.length()));
        if (base != null
            && ("histogram".equals(base.type)
                || ("summary".equals(base.type) && !suffix.equals("_bucket")))) {
          return base;
        }
      }
    }
    if (exact != null && exact.type == null) {
      exact.type = "untyped";
      return exact;
    }
    if (exact != null) {
      throw new IllegalArgumentException("a histogram's sample without a suffix");
    }
    Family untyped = new Family(name);
    untyped.type = "untyped";
    families.put(name, untyped);
    return untyped;
  }

  private static void checkName(Family family, Sample sample) {
    String name = sample.name();
    switch (family.type) {
      case "counter" -> {
        if (!name.endsWith("_total")) {
          throw new IllegalArgumentException("a counter not named _total");
        }
        if (!(sample.value() >= 0)) {
          throw new IllegalArgumentException("a counter below zero or NaN");
        }
      }
      case "histogram" -> {
        boolean bucket = name.equals(family.name + "_bucket");
        if (bucket != sample.labels().containsKey("le")) {
          throw new IllegalArgumentException("le on a sample that is not a bucket, or none");
        }
        if (bucket) {
          parseFloat(sample.labels().get("le"));
        }
      }
      case "summary" -> {
        boolean quantile = name.equals(family.name);
        if (quantile != sample.labels().containsKey("quantile")) {
          throw new IllegalArgumentException("quantile on a sample that is not one, or none");
        }
      }
      default -> {
        // gauges and untyped samples carry the family's name, as found
      }
    }
  }

  /** A histogram's buckets are cumulative, end at +Inf, and match its _count; _sum is there. */
  private static void check(Family family) {
    if (!"histogram".equals(family.type)) {
      return;
    }
    Map<Map<String, String>, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
    Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
    Map<Map<String, String>, Double> sums = new LinkedHashMap<>();
    for (Sample sample : family.samples) {
      Map<String, String> labels = new TreeMap<>(sample.labels());
      String le = labels.remove("le");
      if (sample.name().endsWith("_bucket")) {
        buckets.computeIfAbsent(labels, k -> new TreeMap<>()).put(parseFloat(le), sample.value());
      } else if (sample.name().endsWith("_count")) {
        counts.put(labels, sample.value());
      } else {
        sums.put(labels, sample.value());
      }
    }
    if (!buckets.keySet().equals(counts.keySet()) || !buckets.keySet().equals(sums.keySet())) {
      throw new IllegalArgumentException(
          family.name + ": buckets, _count and _sum not given for the same series");
    }
    buckets.forEach(
        (labels, byBound) -> {
          double previous = 0;
          for (Map.Entry<Double, Double> bucket : byBound.entrySet()) {
            if (!(bucket.getValue() >= previous)) {
              throw new IllegalArgumentException(
                  family.name + labels + ": bucket le=" + bucket.getKey() + " below the last");
            }
            previous = bucket.getValue();
          }
          Double infinite = byBound.get(Double.POSITIVE_INFINITY);
          if (infinite == null) {
            throw new IllegalArgumentException(family.name + labels + ": no +Inf bucket");
          }
          if (infinite.doubleValue() != counts.get(labels)) {
            throw new IllegalArgumentException(
                family.name + labels + ": +Inf bucket " + infinite + " is not _count");
          }
        });
  }

  /** A sample line: a name, labels maybe, a value, a timestamp maybe. */
  static Sample sample(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) != '{' && !blank(line.charAt(i))) {
      i++;
    }
    String name = line.substring(0, i);
    if (!METRIC_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a metric name '" + name + "'");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels);
    }
    if (i >= line.length() || !blank(line.charAt(i))) {
      throw new IllegalArgumentException("no blank before the value");
    }
    String[] rest = line.substring(i).replaceFirst("^[ \t]+", "").split("[ \t]+", -1);
    if (rest.length > 2 || rest[0].isEmpty()) {
      throw new IllegalArgumentException("not 'value [timestamp]'");
    }
    double value = parseFloat(rest[0]);
    Long timestamp = null;
    if (rest.length == 2) {
      if (!TIMESTAMP.matcher(rest[1]).matches()) {
        throw new IllegalArgumentException("not a timestamp '" + rest[1] + "'");
      }
      timestamp = Long.parseLong(rest[1]);
    }
    return new Sample(name, labels, value, timestamp);
  }

  /** Reads {@code name="value",...}} from {@code i}; the index after the closing brace. */
  private static int labels(String line, int i, Map<String, String> into) {
    while (true) {
      if (i < line.length() && line.charAt(i) == '}') {
        return i + 1;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0) {
        throw new IllegalArgumentException("a label without '='");
      }
      String label = line.substring(i, eq);
      if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
        throw new IllegalArgumentException("not a label name '" + label + "'");
      }
      if (eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        throw new IllegalArgumentException("label " + label + "'s value is not quoted");
      }
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      while (true) {
        if (j >= line.length()) {
          throw new IllegalArgumentException("label " + label + "'s value is not closed");
        }
        char c = line.charAt(j);
        if (c == '"') {
          break;
        }
        if (c == '\\') {
          char next = j + 1 < line.length() ? line.charAt(j + 1) : 0;
          switch (next) {
            case '\\' -> value.append('\\');
            case '"' -> value.append('"');
            case 'n' -> value.append('\n');
            default -> throw new IllegalArgumentException("a bad escape in label " + label);
          }
          j += 2;
        } else {
          value.append(c);
          j++;
        }
      }
      if (into.put(label, value.toString()) != null) {
        throw new IllegalArgumentException("label " + label + " twice");
      }
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      } else if (i >= line.length() || line.charAt(i) != '}') {
        throw new IllegalArgumentException("neither ',' nor '}' after label " + label);
      }
    }
  }

  /** A help text's escapes: {@code \\} and {@code \n}. */
  static String unescapeHelp(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
      switch (next) {
        case '\\' -> out.append('\\');
        case 'n' -> out.append('\n');
        default -> throw new IllegalArgumentException("a bad escape in a help text");
      }
      i++;
    }
    return out.toString();
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t';
  }

  /** A value as Go's ParseFloat takes the format's: decimal, exponent, NaN, +Inf, -Inf. */
  static double parseFloat(String text) {
    if (text == null || !FLOAT.matcher(text).matches()) {
      throw new IllegalArgumentException("not a float '" + text + "'");
    }
    return switch (text) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }
}
