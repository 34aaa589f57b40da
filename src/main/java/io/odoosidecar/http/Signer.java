package io.odoosidecar.http;

import java.util.Set;

/**
 * Adds credentials to a call; applied before every try, so that each gets a fresh signature or
 * timestamp. Implementations must be safe for several threads.
 */
public interface Signer {
  /** {@code call} with its credentials added. */
  HttpCall sign(HttpCall call);

  /** Whether a 401 answer may be cured by {@link #invalidate(HttpCall)} and one more try. */
  default boolean refreshAfter401() {
    return false;
  }

  /** Forgets any cached credential (an OAuth2 token), so that the next sign fetches a new one. */
  default void invalidate() {}

  /**
   * Forgets the cached credential {@code failed} was signed with, if it is still the one cached: a
   * credential another thread fetched after that call was signed is kept. By default {@link
   * #invalidate()}.
   *
   * @param failed the call as signed and sent, answered 401
   */
  default void invalidate(HttpCall failed) {
    invalidate();
  }

  /** The names of the headers this signer adds whose values are secret; masked in attempts. */
  default Set<String> secretHeaders() {
    return Set.of();
  }

  /** A signer that adds nothing. */
  static Signer none() {
    return call -> call;
  }
}
