package io.odoosidecar.metrics;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * A Logback layout writing each event as one JSON object on one line: {@code time} (ISO-8601 UTC,
 * to the millisecond), {@code level}, {@code logger}, {@code thread}, {@code message}, and when
 * present {@code exception} (the stack trace as text) and the MDC keys {@code event}, {@code rule}
 * and {@code record} the pipeline sets while a rule's action runs.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
  /** The MDC keys written, when set. */
  public static final List<String> MDC_KEYS = List.of("event", "rule", "record");

  private static final JsonFactory JSON = new JsonFactory();
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", TIME.format(event.getInstant()));
      json.writeStringField("level", String.valueOf(event.getLevel()));
      json.writeStringField("logger", event.getLoggerName());
      json.writeStringField("thread", event.getThreadName());
      json.writeStringField("message", event.getFormattedMessage());
      Map<String, String> mdc = event.getMDCPropertyMap();
      for (String key : MDC_KEYS) {
        String value = mdc == null ? null : mdc.get(key);
        if (value != null) {
          json.writeStringField(key, value);
        }
      }
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        json.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.append(CoreConstants.LINE_SEPARATOR).toString();
  }

  @Override
  public String getContentType() {
    return "application/x-ndjson";
  }
}
