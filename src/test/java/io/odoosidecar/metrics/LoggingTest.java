package io.odoosidecar.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** {@code logging.format} switches the root logger's console appender, read on stderr. */
class LoggingTest {
  static final Logger LOG = LoggerFactory.getLogger(LoggingTest.class);
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  PrintStream saved;

  @BeforeEach
  void captureStderr() {
    saved = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    Logging.configure("text");
    System.setErr(saved);
    MDC.clear();
  }

  String captured() {
    String text = err.toString(StandardCharsets.UTF_8);
    err.reset();
    return text;
  }

  @Test
  void jsonWritesOneObjectALine_andTextPutsThePatternBack() throws Exception {
    Logging.configure("json");
    MDC.put("rule", "Tag leads");
    LOG.info("switched to {}", "json");
    MDC.clear();
    String json = captured();

    Logging.configure("text");
    LOG.info("back to text");
    String text = captured();

    assertThat(json.lines()).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(json.strip());
    assertThat(line.get("message").asText()).isEqualTo("switched to json");
    assertThat(line.get("logger").asText()).isEqualTo(LoggingTest.class.getName());
    assertThat(line.get("rule").asText()).isEqualTo("Tag leads");
    assertThat(text).contains("INFO").contains("- back to text").doesNotStartWith("{");
  }

  @Test
  void switchingTwiceKeepsOneAppender() {
    Logging.configure("json");
    Logging.configure("JSON");
    LOG.warn("once");

    assertThat(captured().lines().filter(l -> l.contains("once"))).hasSize(1);
  }

  @Test
  void anUnknownFormatNamesTheKey() {
    assertThatThrownBy(() -> Logging.configure("xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("logging.format")
        .hasMessageContaining("'xml'")
        .hasMessageContaining("text or json");
  }
}
