package io.odoosidecar.console;

/** A request the console refuses, with its HTTP status and the reason shown. */
public final class ConsoleError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public ConsoleError(int status, String reason) {
    super(reason);
    this.status = status;
  }

  /** The HTTP status to answer. */
  public int status() {
    return status;
  }

  /** 400: the request's parameters are wrong. */
  public static ConsoleError badRequest(String reason) {
    return new ConsoleError(400, reason);
  }

  /** 404: what the request names does not exist. */
  public static ConsoleError notFound(String reason) {
    return new ConsoleError(404, reason);
  }
}
