package io.odoosidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** Log events written by the JSON layout through Logback, one object a line, read back. */
class JsonLogLayoutTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  final Logger logger = context.getLogger("io.odoosidecar.metrics.JsonLogLayoutTest.probe");
  OutputStreamAppender<ILoggingEvent> appender;

  @BeforeEach
  void attach() {
    JsonLogLayout layout = new JsonLogLayout();
    layout.setContext(context);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(context);
    encoder.setCharset(StandardCharsets.UTF_8);
    encoder.setLayout(layout);
    encoder.start();
    appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setEncoder(encoder);
    appender.setOutputStream(out);
    appender.start();
    logger.addAppender(appender);
    logger.setAdditive(false);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    appender.stop();
    MDC.clear();
  }

  List<JsonNode> lines() throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith(System.lineSeparator());
    for (String line : text.split(System.lineSeparator())) {
      nodes.add(JSON.readTree(line));
    }
    return nodes;
  }

  @Test
  void eachEventIsOneObjectWithTheMdcKeysThePipelineSets() throws Exception {
    Instant before = Instant.now();
    MDC.put("event", "42");
    MDC.put("rule", "Tag leads");
    MDC.put("record", "crm.lead,7");
    MDC.put("other", "not written");
    logger.info("wrote {} records", 3);
    MDC.remove("rule");
    MDC.remove("record");
    logger.warn("only the event");
    MDC.clear();
    logger.debug("no key");

    List<JsonNode> lines = lines();

    assertThat(lines).hasSize(3);
    JsonNode first = lines.get(0);
    assertThat(fieldNames(first))
        .containsExactly("time", "level", "logger", "thread", "message", "event", "rule", "record");
    assertThat(first.get("level").asText()).isEqualTo("INFO");
    assertThat(first.get("logger").asText()).isEqualTo(logger.getName());
    assertThat(first.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(first.get("message").asText()).isEqualTo("wrote 3 records");
    assertThat(first.get("event").asText()).isEqualTo("42");
    assertThat(first.get("rule").asText()).isEqualTo("Tag leads");
    assertThat(first.get("record").asText()).isEqualTo("crm.lead,7");
    String time = first.get("time").asText();
    assertThat(time).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(Instant.parse(time)).isBetween(before.minusMillis(1), Instant.now());
    assertThat(fieldNames(lines.get(1))).contains("event").doesNotContain("rule", "record");
    assertThat(lines.get(1).get("level").asText()).isEqualTo("WARN");
    assertThat(fieldNames(lines.get(2))).doesNotContain("event", "rule", "record", "exception");
  }

  @Test
  void quotesLineFeedsAndExceptionsStayOnOneLine() throws Exception {
    String message = "a \"quoted\" name\non two lines\tand a \\ backslash";
    IllegalStateException failure =
        new IllegalStateException("the store is closed", new RuntimeException("disk full"));
    logger.error(message, failure);

    List<JsonNode> lines = lines();

    assertThat(lines).hasSize(1);
    JsonNode line = lines.get(0);
    assertThat(line.get("message").asText()).isEqualTo(message);
    assertThat(line.get("level").asText()).isEqualTo("ERROR");
    String trace = line.get("exception").asText();
    assertThat(trace)
        .startsWith("java.lang.IllegalStateException: the store is closed")
        .contains("at io.odoosidecar.metrics.JsonLogLayoutTest.quotesLineFeedsAndExceptions")
        .contains("Caused by: java.lang.RuntimeException: disk full");
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
