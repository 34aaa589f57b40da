package io.odoosidecar.console;

/** Checks a console login: the credentials, then whether the user may use the console. */
@FunctionalInterface
public interface Authenticator {

  /** What a login attempt came to. */
  enum Outcome {
    /** The credentials hold and the user is in the console's group. */
    ACCEPTED,
    /** Unknown login or wrong password. */
    REFUSED,
    /** The credentials hold, but the user is not in the console's group. */
    NOT_IN_GROUP,
    /** The check could not be made (Odoo unreachable, or an error): not the user's fault. */
    UNAVAILABLE
  }

  /**
   * The answer to one attempt.
   *
   * @param outcome what it came to
   * @param user the user's login (as Odoo knows it) when accepted, else the login given
   * @param reason why it was not accepted, for the login page (never a secret), or empty
   */
  record Verdict(Outcome outcome, String user, String reason) {
    public static Verdict accepted(String user) {
      return new Verdict(Outcome.ACCEPTED, user, "");
    }

    public static Verdict refused(String login) {
      return new Verdict(Outcome.REFUSED, login, "wrong login or password");
    }

    public static Verdict notInGroup(String login, String reason) {
      return new Verdict(Outcome.NOT_IN_GROUP, login, reason);
    }

    public static Verdict unavailable(String login, String reason) {
      return new Verdict(Outcome.UNAVAILABLE, login, reason);
    }

    public boolean accepted() {
      return outcome == Outcome.ACCEPTED;
    }
  }

  /** Checks a login and password; never throws for a refusal, only answers it. */
  Verdict authenticate(String login, String password);
}
