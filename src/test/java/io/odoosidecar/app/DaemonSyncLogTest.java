package io.odoosidecar.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.sync.SyncLog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The entries {@code sync run} hands to the daemon: cut as the log cuts them, in bounded calls. */
class DaemonSyncLogTest {
  private static SyncLog.Entry entry(String answer) {
    return new SyncLog.Entry(
        0,
        Instant.parse("2026-12-01T10:00:00Z"),
        "customers",
        List.of(1L),
        "write",
        "PUT",
        "https://api.example.com/customers/1",
        503,
        Duration.ofMillis(5),
        "",
        "{}",
        answer,
        null,
        "k",
        1,
        false);
  }

  @Test
  void flush_cutsBodiesToTheLogsLimit_andSplitsCallsBySize() {
    List<List<Object>> calls = new ArrayList<>();
    DaemonSyncLog log = new DaemonSyncLog(calls::add, 1024 * 1024);
    String page = "x".repeat(1024 * 1024 + 10); // an error page over the body limit
    for (int i = 0; i < 10; i++) {
      log.record(entry(page));
    }

    assertThat(log.flush()).isNull();

    assertThat(calls).hasSizeGreaterThan(1);
    assertThat(calls.stream().mapToInt(List::size).sum()).isEqualTo(10);
    for (List<Object> call : calls) {
      long chars =
          call.stream()
              .mapToLong(r -> String.valueOf(((Map<?, ?>) r).get("answer_body")).length())
              .sum();
      assertThat(chars).isLessThanOrEqualTo(DaemonSyncLog.MAX_CALL_CHARS);
      call.forEach(
          r -> assertThat(String.valueOf(((Map<?, ?>) r).get("answer_body"))).hasSize(1024 * 1024));
    }
  }

  @Test
  void flush_aRefusedCall_countsItsEntriesUnlogged_andSaysWhy() {
    DaemonSyncLog log =
        new DaemonSyncLog(
            rows -> {
              throw new IllegalStateException("no sidecar answered");
            },
            1024);
    log.record(entry("down"));
    log.record(entry("down"));

    assertThat(log.flush()).isEqualTo("no sidecar answered");
    assertThat(log.unlogged()).isEqualTo(2);
    assertThat(log.flush()).as("nothing kept after a flush").isNull();
  }
}
