package io.odoosidecar.action;

/** Where webhook attempts are recorded. */
@FunctionalInterface
public interface AttemptLog {
  /** Records nothing. */
  AttemptLog NONE = (rule, url, recordId, attempt, status, millis, error) -> {};

  /**
   * One attempt.
   *
   * @param status the HTTP status, 0 when there was no answer
   * @param error null on success
   */
  void attempt(
      String rule, String url, long recordId, int attempt, int status, long millis, String error);
}
