package io.odoosidecar.server;

import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;

/** The routes of the HTTP server, as services mount them; a path mounted twice is refused. */
public final class Routes {
  private final PathHandler paths = new PathHandler();
  private final java.util.Set<String> taken = new java.util.HashSet<>();

  /** Answers {@code path} exactly. */
  public Routes exact(String path, HttpHandler handler) {
    claim("=" + path);
    paths.addExactPath(path, handler);
    return this;
  }

  /** Answers every path under {@code prefix} (a path ending with a slash). */
  public Routes prefix(String prefix, HttpHandler handler) {
    claim(prefix);
    paths.addPrefixPath(prefix, handler);
    return this;
  }

  /** Adds a path by its form: a prefix when it ends with a slash, else exact. */
  public Routes path(String path, HttpHandler handler) {
    return path.endsWith("/") ? prefix(path, handler) : exact(path, handler);
  }

  private void claim(String key) {
    if (!taken.add(key)) {
      throw new IllegalStateException("the route " + key.replace("=", "") + " is mounted twice");
    }
  }

  /** The handler that dispatches by path. */
  HttpHandler handler() {
    return paths;
  }
}
