package io.odoosidecar.app;

import io.odoosidecar.store.EventLog;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Holds the embedded event log under a data directory from a process of its own, as a running
 * daemon does, until its standard input closes. Prints {@code held} once it holds it.
 */
public final class StoreLockHolder {
  private StoreLockHolder() {}

  public static void main(String[] args) throws IOException {
    try (EventLog log = EventLog.embedded(Path.of(args[0]))) {
      System.out.println("held " + log.counts().size());
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the test to close the pipe
      }
    }
  }
}
