package io.odoosidecar.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.server.RpcEndpoint.RpcFault;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sidecar.sync_log.create}: entries a command hands to the daemon, checked before stored.
 */
class SyncLogModelHostileTest {
  @TempDir Path dir;
  SyncLog log;
  SyncLogModel model;

  @BeforeEach
  void open() {
    log = SyncLog.embedded(dir, SyncFixture.CLOCK, 1024);
    model = new SyncLogModel(log);
  }

  @AfterEach
  void close() {
    log.close();
  }

  private static Map<String, Object> row() {
    SyncLog.Entry entry =
        new SyncLog.Entry(
            0,
            Instant.parse("2026-12-01T10:00:00Z"),
            "customers",
            List.of(7L),
            "write",
            "PUT",
            "https://api.example.com/customers/C-7",
            200,
            Duration.ofMillis(12),
            "Idempotency-Key: k",
            "{}",
            "{}",
            null,
            "k",
            1,
            true);
    return new HashMap<>(SyncLogModel.row(entry));
  }

  private Object create(Object... args) throws RpcFault {
    return model.call("create", List.of(args), Map.of());
  }

  @Test
  void create_wellFormedRows_areStored_andListedBack() throws RpcFault {
    assertThat(create(List.of(row(), row()))).isEqualTo(2);

    List<SyncLog.Entry> stored = log.query(SyncLog.Query.newest(10));
    assertThat(stored).hasSize(2);
    assertThat(stored.get(0).url()).isEqualTo("https://api.example.com/customers/C-7");
    assertThat(stored.get(0).recordIds()).containsExactly(7L);
  }

  @Test
  void create_notAList_isRefused() {
    assertThatThrownBy(() -> create("rows"))
        .isInstanceOf(RpcFault.class)
        .hasMessageContaining("takes one list of entries");
  }

  @Test
  void create_tooManyRows_isRefused_nothingStored() {
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i <= SyncLogModel.MAX_ROWS; i++) {
      rows.add(row());
    }
    assertThatThrownBy(() -> create(rows))
        .isInstanceOf(RpcFault.class)
        .hasMessageContaining("at most " + SyncLogModel.MAX_ROWS);
    assertThat(log.query(SyncLog.Query.newest(10))).isEmpty();
  }

  @Test
  void create_aBadRow_namesItsIndexAndKey_andNoRowIsStored() {
    Map<String, Object> noUrl = row();
    noUrl.remove("url");
    Map<String, Object> badTime = row();
    badTime.put("at", "yesterday");
    Map<String, Object> badIds = row();
    badIds.put("record_ids", List.of("seven"));

    assertThatThrownBy(() -> create(List.of(row(), noUrl)))
        .isInstanceOf(RpcFault.class)
        .hasMessageContaining("entry 1: url must be a non-empty string");
    assertThatThrownBy(() -> create(List.of(badTime)))
        .isInstanceOf(RpcFault.class)
        .hasMessageContaining("entry 0");
    assertThatThrownBy(() -> create(List.of(badIds)))
        .isInstanceOf(RpcFault.class)
        .hasMessageContaining("entry 0");
    assertThatThrownBy(() -> create(List.of("not a struct")))
        .isInstanceOf(RpcFault.class)
        .hasMessageContaining("entry 0 is not a struct");
    assertThat(log.query(SyncLog.Query.newest(10))).isEmpty();
  }
}
