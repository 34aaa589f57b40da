package io.odoosidecar.metrics;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The log format chosen by the configuration's {@code logging.format}: {@code text} (the default,
 * as {@code logback.xml} writes it) or {@code json} (one JSON object a line, {@link
 * JsonLogLayout}), applied to the root logger's console appenders at start.
 */
public final class Logging {
  private Logging() {}

  /**
   * Switches the root logger's console appenders to {@code format}: {@code json} replaces each by
   * one writing JSON to the same stream, {@code text} puts back the ones {@code json} replaced.
   *
   * @throws IllegalArgumentException for another format
   * @throws IllegalStateException when SLF4J does not log through Logback
   */
  public static void configure(String format) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      throw new IllegalStateException(
          "logging.format needs Logback behind SLF4J, not " + factory.getClass().getName());
    }
    configure(format, context);
  }

  /** Switches the root logger of {@code context} to {@code format}. */
  static synchronized void configure(String format, LoggerContext context) {
    String name = format == null ? "text" : format.trim().toLowerCase(Locale.ROOT);
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    switch (name) {
      case "text" -> toText(root);
      case "json" -> toJson(root, context);
      default ->
          throw new IllegalArgumentException(
              "logging.format: '" + format + "' is not a log format (expected text or json)");
    }
  }

  private static void toJson(Logger root, LoggerContext context) {
    for (Appender<ILoggingEvent> appender : appenders(root)) {
      if (appender instanceof ConsoleAppender<ILoggingEvent> console
          && !(appender instanceof JsonConsole)) {
        JsonConsole json = new JsonConsole(console);
        json.setContext(context);
        json.setName(console.getName());
        json.setTarget(console.getTarget());
        JsonLogLayout layout = new JsonLogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.setLayout(layout);
        encoder.start();
        json.setEncoder(encoder);
        json.start();
        root.addAppender(json); // before the text one leaves: no line is lost in between
        root.detachAppender(console);
      }
    }
  }

  private static void toText(Logger root) {
    for (Appender<ILoggingEvent> appender : appenders(root)) {
      if (appender instanceof JsonConsole json) {
        root.addAppender(json.replaced);
        root.detachAppender(json);
        json.stop();
      }
    }
  }

  private static List<Appender<ILoggingEvent>> appenders(Logger root) {
    List<Appender<ILoggingEvent>> out = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  /** A console appender writing JSON in place of a text one, kept to be put back. */
  private static final class JsonConsole extends ConsoleAppender<ILoggingEvent> {
    final ConsoleAppender<ILoggingEvent> replaced;

    JsonConsole(ConsoleAppender<ILoggingEvent> replaced) {
      this.replaced = replaced;
    }
  }
}
