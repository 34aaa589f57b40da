package io.odoosidecar.console;

import java.util.List;

/**
 * What the layout around every page shows.
 *
 * @param title the page's title
 * @param base the console's root path, without a trailing slash ({@code ""} at {@code /})
 * @param user who is logged in, or null on the login page
 * @param local whether the session came from loopback without a login (no logout then)
 * @param csrf the session's CSRF token, for the forms
 * @param menu the menu's entries
 * @param notice the notice of the last form, or empty
 */
public record Chrome(
    String title,
    String base,
    String user,
    boolean local,
    String csrf,
    List<MenuItem> menu,
    String notice) {

  public Chrome {
    menu = List.copyOf(menu);
  }

  /**
   * An entry of the menu.
   *
   * @param href its link
   * @param active whether it is the page shown
   */
  public record MenuItem(String title, String href, boolean active) {}

  /** The same chrome with another title. */
  public Chrome withTitle(String newTitle) {
    return new Chrome(newTitle, base, user, local, csrf, menu, notice);
  }

  /** A link to a path below the console's root. */
  public String href(String path) {
    return base + path;
  }
}
