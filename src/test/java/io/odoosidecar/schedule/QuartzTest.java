package io.odoosidecar.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.odoosidecar.store.TestDatabases;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Clock;
import java.util.Date;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.TriggerBuilder;

class QuartzTest {
  @TempDir Path dir;

  /** A job made by the test's supplier, which counts down when it runs. */
  static final class Latched implements Job {
    private final CountDownLatch ran;

    Latched(CountDownLatch ran) {
      this.ran = ran;
    }

    @Override
    public void execute(JobExecutionContext context) {
      ran.countDown();
    }
  }

  @Test
  void aJobStoredInH2RunsAndIsStillThereAfterARestart() throws Exception {
    Quartz.Store store = new Quartz.Store(TestDatabases.h2(dir), "", "");
    runOnceAndRestart(store);
  }

  @Test
  void aJobStoredInPostgresRunsAndIsStillThereAfterARestart() throws Exception {
    Quartz.Store store =
        new Quartz.Store(TestDatabases.freshPostgres("quartz_store"), "postgres", "");
    runOnceAndRestart(store);
    try (var c = DriverManager.getConnection(store.url(), "postgres", "");
        var rs =
            c.createStatement()
                .executeQuery("SELECT count(*) FROM qrtz_locks WHERE sched_name = 'test'")) {
      rs.next();
      assertThat(rs.getInt(1)).as("the two lock rows, created before Quartz starts").isEqualTo(2);
    }
  }

  private void runOnceAndRestart(Quartz.Store store) throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    JobKey key = new JobKey("probe", "test");
    try (Quartz quartz = Quartz.jdbc("test", "one", store, 2, Clock.systemUTC())) {
      quartz.jobs(Latched.class, () -> new Latched(ran));
      quartz
          .scheduler()
          .scheduleJob(
              JobBuilder.newJob(Latched.class).withIdentity(key).storeDurably().build(),
              TriggerBuilder.newTrigger().startAt(new Date()).build());
      quartz.start();
      assertThat(ran.await(30, TimeUnit.SECONDS)).as("the job ran").isTrue();
    }
    try (Quartz again = Quartz.jdbc("test", "one", store, 2, Clock.systemUTC())) {
      assertThat(again.scheduler().checkExists(key)).as("the durable job survived").isTrue();
    }
  }
}
