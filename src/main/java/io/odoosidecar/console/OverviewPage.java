package io.odoosidecar.console;

/** The daemon at a glance: connections, event counts, the last push, pollers, Python. */
public final class OverviewPage implements ConsolePage {
  @Override
  public String name() {
    return "overview";
  }

  @Override
  public String route() {
    return "/";
  }

  @Override
  public String title() {
    return "Overview";
  }

  @Override
  public Answer render(PageRequest request) {
    return request.render("overview.jte", request.backend().overview());
  }
}
