package io.odoosidecar.console;

/** The newest outbound sync attempts. */
public final class SyncLogPage implements ConsolePage {
  /** How many attempts are shown. */
  static final int LIMIT = 100;

  @Override
  public String name() {
    return "sync-log";
  }

  @Override
  public String route() {
    return "/sync";
  }

  @Override
  public String title() {
    return "Sync log";
  }

  @Override
  public Answer render(PageRequest request) {
    return request.render("sync_log.jte", request.backend().syncAttempts(LIMIT));
  }
}
