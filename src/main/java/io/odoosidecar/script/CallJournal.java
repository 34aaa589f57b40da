package io.odoosidecar.script;

import java.util.Optional;

/**
 * The calls that change data in Odoo which earlier attempts of one action already made, and where
 * this attempt's go.
 *
 * <p>Code runs over RPC: each call is its own transaction in Odoo, so code that fails partway
 * leaves the calls it made done. When the same code runs again (record by record after a batch
 * failed, or at the event's next attempt), a call identical to one made before is answered from the
 * journal instead of being made again: a message is posted once, a record created once.
 *
 * <p>A call is identified by its whole text (model, method, arguments, keyword arguments); the
 * journal is a multiset, so code making the same call twice has both answered before a third is
 * made. Two limits: a call whose text differs between runs (it holds the time, say) is made again,
 * and a call made just before the sidecar stopped, whose answer was not yet written down, is too,
 * unless Odoo itself finds it: a post under its {@link #postKey}.
 */
public interface CallJournal {

  /**
   * The context key under which Odoo's sidecar_bridge addon takes a post's idempotency key: a post
   * made under a key is made once per record.
   */
  String POST_KEY = "sidecar_post_key";

  /** A journal that remembers nothing: every call is made. */
  CallJournal NONE =
      new CallJournal() {
        @Override
        public Optional<String> replay(String call) {
          return Optional.empty();
        }

        @Override
        public void made(String call, String answer) {}
      };

  /**
   * Takes out the answer an earlier attempt got to this very call: present when the call was made
   * before and not yet answered from the journal in this attempt.
   *
   * @param call the call as the code made it, in JSON: {@code [model, method, args, kwargs]}
   */
  Optional<String> replay(String call);

  /**
   * Writes down that this attempt made the call and what Odoo answered (JSON), before the code goes
   * on.
   */
  void made(String call, String answer);

  /**
   * The idempotency key the call last asked for in {@link #replay} carries to Odoo, a call that
   * posts a message or queues an email ({@link #POST_KEY}): the same for the n-th identical call of
   * every attempt on the same events, so that a call Odoo made just before the sidecar stopped,
   * whose answer was not written down, is not made a second time by Odoo. Empty when the database
   * takes no keys (the default).
   */
  default Optional<String> postKey(String call) {
    return Optional.empty();
  }
}
