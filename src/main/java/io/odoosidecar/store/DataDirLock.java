package io.odoosidecar.store;

import io.odoosidecar.SidecarException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The lock of a data directory whose embedded H2 event log one sidecar uses: {@code
 * data-dir/sidecar.lock}, locked ({@link FileChannel#tryLock}) for as long as the sidecar runs,
 * with its process id written in. A second sidecar on the same directory is refused at start, told
 * which directory, which process holds it, and that several instances need a PostgreSQL event log.
 * The lock goes with the process, however it ends; the file stays.
 */
public final class DataDirLock implements AutoCloseable {
  /** The lock file's name under the data directory. */
  public static final String FILE = "sidecar.lock";

  /**
   * The lock files this process holds: a second sidecar in the same process is refused before it
   * opens the file, as closing a channel of a file may let go of the process's lock on it.
   */
  private static final java.util.Set<Path> HELD =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private boolean closed;

  private DataDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Locks {@code dataDir} for this process.
   *
   * @throws SidecarException when another sidecar holds it, or the file cannot be written
   */
  public static DataDirLock acquire(Path dataDir) {
    Path file = dataDir.toAbsolutePath().normalize().resolve(FILE);
    if (!HELD.add(file)) {
      throw new SidecarException(refusal(dataDir, Optional.of(ProcessHandle.current().pid())));
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(dataDir);
      channel =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // held by this very process (another sidecar in the same JVM)
      }
      if (lock == null) {
        Optional<Long> pid = holder(channel);
        channel.close();
        HELD.remove(file);
        throw new SidecarException(refusal(dataDir, pid));
      }
      channel.truncate(0);
      channel.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
          0);
      channel.force(false);
      return new DataDirLock(file, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      HELD.remove(file);
      throw new SidecarException("cannot lock the data directory " + dataDir + ": " + e, e);
    }
  }

  /** Why a second sidecar is refused on {@code dataDir}. */
  static String refusal(Path dataDir, Optional<Long> pid) {
    return "the data directory "
        + dataDir.toAbsolutePath()
        + " is in use by another sidecar"
        + pid.map(p -> " (process " + p + ")").orElse("")
        + ": its embedded H2 event log takes one instance; stop that one, give this one another"
        + " data-dir, or, to run several instances, give them all a PostgreSQL event-log.url";
  }

  /** The process id the holder wrote, if it can be read. */
  private static Optional<Long> holder(FileChannel channel) {
    try {
      ByteBuffer buffer = ByteBuffer.allocate(32);
      channel.read(buffer, 0);
      String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
      return Optional.of(Long.parseLong(text.trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // already failing
      }
    }
  }

  /** Lets the directory go: another sidecar may now use it. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      lock.release();
    } catch (IOException e) {
      // the channel's close releases it too
    }
    closeQuietly(channel);
    HELD.remove(file);
  }
}
