package io.odoosidecar.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Holds a data directory's lock from a process of its own, as a running sidecar does, until its
 * standard input closes. Prints {@code locked} once it holds it.
 */
public final class DataDirLockHolder {
  private DataDirLockHolder() {}

  public static void main(String[] args) throws IOException {
    DataDirLock lock = DataDirLock.acquire(Path.of(args[0]));
    try {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // wait for the test to close the pipe
      }
    } finally {
      lock.close();
    }
  }
}
