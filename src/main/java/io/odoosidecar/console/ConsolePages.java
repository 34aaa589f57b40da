package io.odoosidecar.console;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The console's pages, registered by name, in menu order. */
public final class ConsolePages {
  private final Map<String, ConsolePage> byName = new LinkedHashMap<>();
  private final Map<String, ConsolePage> byRoute = new LinkedHashMap<>();
  private final Map<String, ConsolePage.FormAction> actions = new LinkedHashMap<>();

  /** The standard pages: overview, rules, runs, dead letters, explain, sync log, schedules. */
  public static ConsolePages standard() {
    ConsolePages pages = new ConsolePages();
    for (ConsolePage page :
        List.of(
            new OverviewPage(),
            new RulesPage(),
            new RunsPage(),
            new DeadLettersPage(),
            new ExplainPage(),
            new SyncLogPage(),
            new SchedulesPage())) {
      pages.register(page);
    }
    return pages;
  }

  /** Adds a page; its name, route and form routes must be new. */
  public ConsolePages register(ConsolePage page) {
    if (byName.containsKey(page.name())) {
      throw new IllegalArgumentException("a console page is already named " + page.name());
    }
    if (byRoute.containsKey(page.route()) || actions.containsKey(page.route())) {
      throw new IllegalArgumentException("a console page already answers " + page.route());
    }
    for (String route : page.actions().keySet()) {
      if (byRoute.containsKey(route) || actions.containsKey(route)) {
        throw new IllegalArgumentException("a console page already answers " + route);
      }
    }
    byName.put(page.name(), page);
    byRoute.put(page.route(), page);
    actions.putAll(page.actions());
    return this;
  }

  /** The page registered by a name. */
  public Optional<ConsolePage> named(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  /** Every page, in menu order. */
  public Collection<ConsolePage> all() {
    return byName.values();
  }

  /** The page answering GET on a route. */
  Optional<ConsolePage> at(String route) {
    return Optional.ofNullable(byRoute.get(route));
  }

  /** The form answering POST on a route. */
  Optional<ConsolePage.FormAction> action(String route) {
    return Optional.ofNullable(actions.get(route));
  }

  /** Every form's route. */
  public Collection<String> actionRoutes() {
    return actions.keySet();
  }
}
