package io.odoosidecar.console;

import java.util.Map;

/**
 * One page of the console: a route, a title, and how it renders (with its one template). A page may
 * also take forms: each a route answered on POST, after the session and its CSRF token have been
 * checked.
 */
public interface ConsolePage {

  /** The name it is registered by ({@code overview}, {@code rules}, ...). */
  String name();

  /** Its path below the console's root ({@code /}, {@code /rules}, ...). */
  String route();

  /** Its title, in the menu and the page's heading. */
  String title();

  /** Whether the menu links to it (a page that needs parameters does not). */
  default boolean inMenu() {
    return true;
  }

  /** Renders the page for a GET. */
  Answer render(PageRequest request);

  /** The forms it takes, by route ({@code /rules/pause}, ...). */
  default Map<String, FormAction> actions() {
    return Map.of();
  }

  /** What a form does when posted. */
  @FunctionalInterface
  interface FormAction {
    Answer submit(PageRequest request);
  }
}
