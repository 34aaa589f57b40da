package io.odoosidecar.console;

import io.odoosidecar.console.ConsoleBackend.DeadLetter;
import java.util.List;
import java.util.Map;

/**
 * The dead letters with their tracebacks: replayed one at a time or by selection, or discarded
 * after a confirmation (recorded with the user, never deleted).
 */
public final class DeadLettersPage implements ConsolePage {

  /**
   * The page's data.
   *
   * @param rule the rule the list is narrowed to, or empty for all
   */
  public record View(List<DeadLetter> letters, String rule) {
    public View {
      letters = List.copyOf(letters);
    }
  }

  @Override
  public String name() {
    return "dead-letters";
  }

  @Override
  public String route() {
    return "/dead-letters";
  }

  @Override
  public String title() {
    return "Dead letters";
  }

  @Override
  public Answer render(PageRequest request) {
    String rule = request.param("rule");
    List<DeadLetter> letters =
        request.backend().deadLetters().stream()
            .filter(d -> rule.isEmpty() || d.rule().equals(rule))
            .toList();
    return request.render("dead_letters.jte", new View(letters, rule));
  }

  @Override
  public Map<String, FormAction> actions() {
    return Map.of("/dead-letters/replay", this::replay, "/dead-letters/discard", this::discard);
  }

  private Answer replay(PageRequest request) {
    List<Long> ids = selected(request);
    if (ids.isEmpty()) {
      return Answer.redirect(back(request), "Nothing was selected.");
    }
    List<Long> replayed = request.backend().replay(ids, request.user());
    return Answer.redirect(back(request), done("Replayed", replayed, ids));
  }

  /** The first post shows what would be discarded; the confirmed one discards. */
  private Answer discard(PageRequest request) {
    List<Long> ids = selected(request);
    if (ids.isEmpty()) {
      return Answer.redirect(back(request), "Nothing was selected.");
    }
    if (!request.param("confirm").equals("yes")) {
      List<DeadLetter> letters =
          request.backend().deadLetters().stream().filter(d -> ids.contains(d.id())).toList();
      return request.render(
          "discard.jte", "Discard dead letters", new View(letters, request.param("rule")));
    }
    List<Long> discarded = request.backend().discard(ids, request.user());
    return Answer.redirect(back(request), done("Discarded", discarded, ids));
  }

  /** The one letter whose own button was pressed, else the ticked ones. */
  private static List<Long> selected(PageRequest request) {
    return request.param("one").isEmpty() ? request.numbers("id") : List.of(request.number("one"));
  }

  private static String back(PageRequest request) {
    String rule = request.param("rule");
    return rule.isEmpty() ? "/dead-letters" : "/dead-letters?rule=" + PageRequest.encode(rule);
  }

  private static String done(String verb, List<Long> done, List<Long> asked) {
    String text =
        done.isEmpty()
            ? verb + " none: they are no longer dead letters."
            : verb
                + " "
                + done.size()
                + " dead letter"
                + (done.size() == 1 ? "" : "s")
                + ": "
                + Format.ids(done)
                + ".";
    int left = asked.size() - done.size();
    return left > 0 && !done.isEmpty()
        ? text + " " + left + " had already left the dead letters."
        : text;
  }
}
