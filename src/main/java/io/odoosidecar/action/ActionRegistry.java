package io.odoosidecar.action;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The action executors by kind ({@code ir.actions.server.state}); immutable. {@link #standard()}
 * holds the kinds the sidecar runs by itself, one line per kind; {@link #with} adds one (a kind
 * that needs services of its own, made where they are). Rule files are checked against {@link
 * #names()} when loaded, so a kind without an executor never reaches a firing.
 */
public final class ActionRegistry {
  private static final ActionRegistry STANDARD =
      new ActionRegistry(Map.of())
          .with("object_write", new ObjectWriteAction())
          .with("object_create", new ObjectCreateAction())
          .with("multi", new MultiAction())
          .with("followers", FollowersAction.subscribe())
          .with("remove_followers", FollowersAction.unsubscribe())
          .with("next_activity", new NextActivityAction())
          .with("mail_post", new MailPostAction())
          .with("sms", new SmsAction())
          .with("webhook", new WebhookAction())
          .with("code", new CodeAction())
          .with(io.odoosidecar.sync.SyncConfigs.ACTION_KIND, new ApiSyncAction());

  private final Map<String, ActionExecutor> executors;

  private ActionRegistry(Map<String, ActionExecutor> executors) {
    this.executors = Collections.unmodifiableMap(new TreeMap<>(executors));
  }

  /**
   * The kinds the sidecar runs by itself; their executors need only the {@link ActionContext} (and
   * {@code api_sync} the sync engine and configs it offers as services).
   */
  public static ActionRegistry standard() {
    return STANDARD;
  }

  /** {@link #standard()}'s kinds, sorted: what a rule file may use when nothing is added. */
  public static NavigableSet<String> standardNames() {
    return STANDARD.names();
  }

  /** A registry without any kind. */
  public static ActionRegistry empty() {
    return new ActionRegistry(Map.of());
  }

  /**
   * This registry with one kind more (or another executor for a kind it has).
   *
   * @param state the kind, as {@code ir.actions.server.state} names it
   */
  public ActionRegistry with(String state, ActionExecutor executor) {
    if (state == null || state.isBlank()) {
      throw new IllegalArgumentException("an action kind needs a name");
    }
    Map<String, ActionExecutor> more = new TreeMap<>(executors);
    more.put(state, Objects.requireNonNull(executor, state));
    return new ActionRegistry(more);
  }

  /** The kinds, sorted. */
  public NavigableSet<String> names() {
    return Collections.unmodifiableNavigableSet(new TreeSet<>(executors.keySet()));
  }

  /** The executor of a kind, if any. */
  public Optional<ActionExecutor> find(String state) {
    return Optional.ofNullable(executors.get(state));
  }

  /**
   * The executor of the target's action.
   *
   * @throws UnsupportedActionException naming the rule, the action and the known kinds, for a kind
   *     without one
   */
  public ActionExecutor executor(ActionTarget target) {
    String state = target.state();
    return find(state)
        .orElseThrow(
            () ->
                new UnsupportedActionException(
                    target.where()
                        + ": the sidecar does not run '"
                        + state
                        + "' actions yet; known kinds: "
                        + String.join(", ", names())));
  }
}
