package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.odoosidecar.rule.RuleRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Configurations and changes a careless hand makes to a running daemon, and what it then says. */
class DaemonHostileTest {
  private static final String RULE = "rules:\n  - {name: a, model: crm.lead, trigger: on_write}\n";

  @TempDir Path dir;

  @Test
  void start_onEveryInterface_warnsWhatIsExposed_andAnEmptiedRulesFolderShowsInHealth()
      throws Exception {
    Path rulesDir = Files.createDirectories(dir.resolve("rules"));
    Path ruleFile = Files.writeString(rulesDir.resolve("a.yaml"), RULE);
    RuleRegistry rules = new RuleRegistry(rulesDir, Duration.ofMillis(50));
    SidecarConfig config = OfflineConfigs.of("0.0.0.0", dir.resolve("data"));
    ListAppender<ILoggingEvent> logged = capture();
    Daemon daemon = new Daemon(config, Clock.systemUTC(), wait -> Thread.sleep(50), rules);
    try {
      daemon.start();
      assertThat(messages(logged, Level.WARN))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .contains("server.host is 0.0.0.0 (every network interface)")
                      .contains("/web/hook/")
                      .contains("/health"));

      Files.delete(ruleFile);
      rules.reload();
      String health = health(daemon);
      assertThat(health).contains("\"count\":0").contains("0 rules in " + rulesDir);
      assertThat(messages(logged, Level.WARN))
          .anySatisfy(m -> assertThat(m).contains("0 rules in").contains("1 before this reload"));
    } finally {
      daemon.close();
      release(logged);
    }
  }

  @Test
  void exposure_loopbackHosts_none_otherAddresses_warned() {
    assertThat(Daemon.exposure("127.0.0.1", true)).isEmpty();
    assertThat(Daemon.exposure("localhost", true)).isEmpty();
    assertThat(Daemon.exposure("::1", true)).isEmpty();
    assertThat(Daemon.exposure("192.168.1.20", true))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("192.168.1.20")
                    .contains("RPC endpoint")
                    .contains("the console (/: an Odoo login of console.group)")
                    .contains("/metrics")
                    .contains("/health"));
    assertThat(Daemon.exposure("10.0.0.5", false))
        .hasValueSatisfying(m -> assertThat(m).doesNotContain("RPC endpoint").contains("webhooks"));
  }

  @Test
  void reload_fromRulesToNone_warns_andBackToRules_clearsTheWarning() throws Exception {
    Path file = Files.writeString(dir.resolve("a.yaml"), RULE);
    ListAppender<ILoggingEvent> logged = capture();
    try (RuleRegistry rules = new RuleRegistry(dir, Duration.ofMillis(50))) {
      assertThat(rules.snapshot().warning()).isEmpty();
      Files.writeString(file, "rules: []\n");
      assertThat(rules.reload()).isTrue();
      assertThat(rules.snapshot().warning()).contains("0 rules in " + dir).contains("1 before");
      assertThat(messages(logged, Level.WARN)).anySatisfy(m -> assertThat(m).contains("0 rules"));
      Files.writeString(file, RULE);
      rules.reload();
      assertThat(rules.snapshot().warning()).isEmpty();
    } finally {
      release(logged);
    }
  }

  private static ListAppender<ILoggingEvent> capture() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger("io.odoosidecar")).addAppender(appender);
    return appender;
  }

  private static void release(ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger("io.odoosidecar")).detachAppender(appender);
  }

  private static List<String> messages(ListAppender<ILoggingEvent> appender, Level level) {
    synchronized (appender) {
      return appender.list.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  private static String health(Daemon daemon) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.port() + "/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
