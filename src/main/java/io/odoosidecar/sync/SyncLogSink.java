package io.odoosidecar.sync;

/**
 * Where the sync engine writes its attempts: the {@link SyncLog} store, or the process that holds
 * it (a command asking the running daemon).
 */
@FunctionalInterface
public interface SyncLogSink {
  /** Stores an attempt's entry. */
  void record(SyncLog.Entry entry);
}
