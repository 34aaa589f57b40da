package io.odoosidecar.console;

/**
 * What the console answers a request with: a page, or a redirection (303) with a notice shown on
 * the next page.
 *
 * @param status the HTTP status
 * @param html the page, or empty for a redirection
 * @param location where to go next (below the console's root), or empty for a page
 * @param notice the notice for the next page, or empty
 */
public record Answer(int status, String html, String location, String notice) {

  /** A page, 200. */
  public static Answer page(String html) {
    return new Answer(200, html, "", "");
  }

  /** A page with another status. */
  public static Answer page(int status, String html) {
    return new Answer(status, html, "", "");
  }

  /** A redirection to {@code location} (a path below the console's root) with a notice. */
  public static Answer redirect(String location, String notice) {
    return new Answer(303, "", location, notice);
  }

  /** Whether it sends the browser elsewhere. */
  public boolean redirects() {
    return !location.isEmpty();
  }
}
