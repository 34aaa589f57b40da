package io.odoosidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.odoosidecar.SidecarException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One sidecar per data directory on the embedded store: a second is refused and told why. */
class DataDirLockTest {
  @TempDir Path dir;

  @Test
  void aSecondLockInTheSameProcess_isRefused_untilTheFirstIsClosed() {
    Path data = dir.resolve("data");
    DataDirLock first = DataDirLock.acquire(data);
    assertThatThrownBy(() -> DataDirLock.acquire(data))
        .isInstanceOf(SidecarException.class)
        .hasMessageContaining("the data directory " + data.toAbsolutePath() + " is in use")
        .hasMessageContaining("(process " + ProcessHandle.current().pid() + ")")
        .hasMessageContaining("several instances")
        .hasMessageContaining("PostgreSQL event-log.url");
    first.close();
    first.close(); // twice: no harm
    DataDirLock again = DataDirLock.acquire(data);
    assertThat(data.resolve(DataDirLock.FILE))
        .content()
        .isEqualToIgnoringNewLines(Long.toString(ProcessHandle.current().pid()));
    again.close();
  }

  @Test
  void aLockHeldByAnotherProcess_isRefusedNamingItsProcess_andFreeOnceItEnds() throws Exception {
    Path data = dir.resolve("shared");
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                DataDirLockHolder.class.getName(),
                data.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertThat(lines.readLine()).isEqualTo("locked");
      assertThatThrownBy(() -> DataDirLock.acquire(data))
          .isInstanceOf(SidecarException.class)
          .hasMessage(
              "the data directory "
                  + data.toAbsolutePath()
                  + " is in use by another sidecar (process "
                  + holder.pid()
                  + "): its embedded H2 event log takes one instance; stop that one, give this one"
                  + " another data-dir, or, to run several instances, give them all a PostgreSQL"
                  + " event-log.url");
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    DataDirLock.acquire(data).close(); // the holder is gone: free
  }
}
