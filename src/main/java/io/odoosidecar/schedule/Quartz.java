package io.odoosidecar.schedule;

import io.odoosidecar.SidecarException;
import io.odoosidecar.store.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.spi.JobFactory;

/**
 * The sidecar's Quartz scheduler: in memory for tests and offline commands, or on a JDBC job store
 * in the event log's database, so that schedules and the timed rules' trigger survive restarts.
 *
 * <p>On PostgreSQL the store is clustered ({@code isClustered}, {@code acquireTriggersWithinLock}):
 * several sidecars on one database share the triggers and each firing happens on one of them. The
 * tables are created by the project's migrations and the two lock rows inserted before Quartz
 * starts, since Quartz's first start on PostgreSQL otherwise races on inserting them. Job data are
 * strings only ({@code useProperties}): nothing is deserialized from the database.
 *
 * <p>Jobs are made by the suppliers given to {@link #jobs}, not by reflection, so that they carry
 * the components they need.
 */
public final class Quartz implements AutoCloseable {
  private static final List<String> LOCKS = List.of("TRIGGER_ACCESS", "STATE_ACCESS");

  /** Where a JDBC job store lives. */
  public record Store(String url, String user, String password) {
    /** Whether the database is PostgreSQL (then the store is clustered). */
    public boolean postgres() {
      return url.startsWith("jdbc:postgresql:");
    }

    @Override
    public String toString() {
      return "Store[" + url + ", user=" + user + "]"; // never the password
    }
  }

  private final Scheduler scheduler;
  private final Map<Class<? extends Job>, Supplier<? extends Job>> makers =
      new ConcurrentHashMap<>();

  private Quartz(Properties properties) {
    try {
      StdSchedulerFactory factory = new StdSchedulerFactory(properties);
      this.scheduler = factory.getScheduler();
      this.scheduler.setJobFactory(jobFactory());
    } catch (SchedulerException e) {
      throw new SidecarException("cannot create the scheduler: " + e.getMessage(), e);
    }
  }

  /** A scheduler whose jobs live in memory, with {@code threads} worker threads. */
  public static Quartz memory(String name, int threads) {
    Properties p = common(name, threads);
    p.setProperty("org.quartz.scheduler.instanceId", "memory");
    p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
    return new Quartz(p);
  }

  /**
   * A scheduler on a JDBC job store: its tables and lock rows are created first if missing.
   *
   * @param name the scheduler's name, shared by the instances of one cluster
   * @param instanceId this instance's id in the cluster (unique per process)
   */
  public static Quartz jdbc(String name, String instanceId, Store store, int threads, Clock clock) {
    prepare(store, name, clock);
    Properties p = common(name, threads);
    p.setProperty("org.quartz.scheduler.instanceId", instanceId);
    p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
    p.setProperty(
        "org.quartz.jobStore.driverDelegateClass",
        store.postgres()
            ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate"
            : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
    p.setProperty("org.quartz.jobStore.dataSource", "sidecar");
    p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
    p.setProperty("org.quartz.jobStore.useProperties", "true");
    p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
    p.setProperty("org.quartz.jobStore.isClustered", String.valueOf(store.postgres()));
    p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
    p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
    p.setProperty("org.quartz.dataSource.sidecar.provider", "hikaricp");
    p.setProperty("org.quartz.dataSource.sidecar.URL", store.url());
    p.setProperty(
        "org.quartz.dataSource.sidecar.driver",
        store.postgres() ? "org.postgresql.Driver" : "org.h2.Driver");
    p.setProperty("org.quartz.dataSource.sidecar.user", nullToEmpty(store.user()));
    p.setProperty("org.quartz.dataSource.sidecar.password", nullToEmpty(store.password()));
    p.setProperty("org.quartz.dataSource.sidecar.maxConnections", String.valueOf(threads + 3));
    return new Quartz(p);
  }

  private static Properties common(String name, int threads) {
    Properties p = new Properties();
    p.setProperty("org.quartz.scheduler.instanceName", name);
    p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    p.setProperty("org.quartz.scheduler.makeSchedulerThreadDaemon", "true");
    p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
    p.setProperty("org.quartz.threadPool.threadCount", String.valueOf(threads));
    p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    p.setProperty("org.quartz.threadPool.threadNamePrefix", name + "-quartz");
    return p;
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }

  /** Creates the job store's tables (once) and its lock rows for {@code name} (if missing). */
  static void prepare(Store store, String name, Clock clock) {
    try (Connection c = DriverManager.getConnection(store.url(), store.user(), store.password())) {
      String dialect = store.postgres() ? "postgresql" : "h2";
      Migrations.apply(c, "quartz/" + dialect);
      c.setAutoCommit(false);
      for (String lock : LOCKS) {
        insertLock(c, name, lock);
      }
      c.commit();
    } catch (SQLException e) {
      throw new SidecarException(
          "cannot prepare the scheduler's tables at " + store.url() + ": " + e.getMessage(), e);
    }
  }

  private static void insertLock(Connection c, String name, String lock) throws SQLException {
    try (PreparedStatement find =
        c.prepareStatement("SELECT 1 FROM QRTZ_LOCKS WHERE SCHED_NAME = ? AND LOCK_NAME = ?")) {
      find.setString(1, name);
      find.setString(2, lock);
      try (ResultSet rs = find.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    // two instances starting together may both miss the row: the second insert is ignored
    String insert =
        c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("h2")
            ? "MERGE INTO QRTZ_LOCKS (SCHED_NAME, LOCK_NAME) KEY (SCHED_NAME, LOCK_NAME)"
                + " VALUES (?, ?)"
            : "INSERT INTO QRTZ_LOCKS (SCHED_NAME, LOCK_NAME) VALUES (?, ?) ON CONFLICT DO NOTHING";
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      ps.setString(1, name);
      ps.setString(2, lock);
      ps.executeUpdate();
    }
  }

  /** Makes the jobs of {@code type} with {@code make} (register before the job first runs). */
  public <T extends Job> Quartz jobs(Class<T> type, Supplier<T> make) {
    makers.put(type, make);
    return this;
  }

  /** The scheduler, to add, replace and remove jobs and triggers. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** Starts firing triggers. */
  public void start() {
    try {
      scheduler.start();
    } catch (SchedulerException e) {
      throw new SidecarException("cannot start the scheduler: " + e.getMessage(), e);
    }
  }

  /**
   * Stops the scheduler without waiting for running jobs: a schedule still running is stopped with
   * the Python engine and its other components, as a crash would stop it (its next run still
   * comes); a stop does not wait for a nightly job.
   */
  @Override
  public void close() {
    try {
      scheduler.shutdown(false);
    } catch (SchedulerException e) {
      throw new SidecarException("cannot stop the scheduler: " + e.getMessage(), e);
    }
  }

  private JobFactory jobFactory() {
    return (bundle, sched) -> {
      Class<? extends Job> type = bundle.getJobDetail().getJobClass();
      Supplier<? extends Job> make = makers.get(type);
      if (make == null) {
        throw new SchedulerException("no maker registered for job " + type.getName());
      }
      return make.get();
    };
  }
}
