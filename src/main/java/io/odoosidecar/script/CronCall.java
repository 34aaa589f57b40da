package io.odoosidecar.script;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * A code action's {@code env['ir.cron']._notify_progress(done=, remaining=, deactivate=)} (Odoo 18)
 * or {@code _commit_progress(processed=, remaining=, deactivate=)} (Odoo 19), as the ORM proxy
 * sends it (model {@value #MODEL}, keyword arguments only), carried to a {@link CronProgress}
 * instead of Odoo. {@code _notify_progress} sets the counts; {@code _commit_progress} adds {@code
 * processed} to what is done and, without {@code remaining}, takes it off what remains, as Odoo 19
 * does. The answer, in JSON, is {@code {"time_left": seconds}}: what is left of the code's time
 * budget, which Odoo 19's {@code _commit_progress} returns (the time left of the cron run).
 */
final class CronCall {
  /** The model whose progress methods the sidecar answers. */
  static final String MODEL = "ir.cron";

  static final String NOTIFY = "_notify_progress";
  static final String COMMIT = "_commit_progress";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CronProgress progress;
  private final DoubleSupplier secondsLeft;
  private long done;
  private long remaining;

  CronCall(CronProgress progress, DoubleSupplier secondsLeft) {
    this.progress = progress;
    this.secondsLeft = secondsLeft;
  }

  /** Whether an ORM proxy's call is one of these. */
  static boolean is(String model, String method) {
    return MODEL.equals(model) && (NOTIFY.equals(method) || COMMIT.equals(method));
  }

  /** The answer to the call, in JSON; counts below zero fail as Odoo's do. */
  synchronized String answer(String method, Map<String, Object> kwargs) {
    boolean deactivate = Boolean.TRUE.equals(kwargs.get("deactivate"));
    if (NOTIFY.equals(method)) {
      done = count(kwargs, "done");
      remaining = count(kwargs, "remaining");
    } else {
      long processed = kwargs.get("processed") == null ? 0 : count(kwargs, "processed");
      done += processed;
      remaining =
          kwargs.get("remaining") == null
              ? Math.max(0, remaining - processed)
              : count(kwargs, "remaining");
    }
    progress.report(done, remaining, deactivate);
    try {
      return JSON.writeValueAsString(Map.of("time_left", secondsLeft.getAsDouble()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the progress answer", e);
    }
  }

  private static long count(Map<String, Object> kwargs, String key) {
    if (!(kwargs.get(key) instanceof Number n) || n.longValue() < 0) {
      throw new IllegalArgumentException(
          MODEL + ": `" + key + "` must be a positive integer, got " + kwargs.get(key));
    }
    return n.longValue();
  }
}
