package io.odoosidecar.console;

/** Each schedule, offloaded cron job and timed rule: next fire, last run, result. */
public final class SchedulesPage implements ConsolePage {
  @Override
  public String name() {
    return "schedules";
  }

  @Override
  public String route() {
    return "/schedules";
  }

  @Override
  public String title() {
    return "Schedules";
  }

  @Override
  public Answer render(PageRequest request) {
    return request.render("schedules.jte", request.backend().schedules());
  }
}
