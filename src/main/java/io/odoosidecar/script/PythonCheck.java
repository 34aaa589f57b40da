package io.odoosidecar.script;

import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.Source;

/**
 * Checks code actions and expressions as the sandbox will run them (it compiles them and applies
 * the same refusals), without running them: for rule files, when they are loaded.
 *
 * <p>Implementation notes. One Python context of its own, made at the first check (about a second)
 * and kept for the JVM's life; checks are serialised on it. Nothing of a rule runs in it.
 */
public final class PythonCheck {
  private static Context context;

  private PythonCheck() {}

  /**
   * What the sandbox refuses in {@code text}: {@code "line N: problem"}, or an empty string.
   *
   * @param expression whether the text is an expression (an update's equation) rather than code
   */
  public static synchronized String problem(String text, boolean expression) {
    return context()
        .getBindings("python")
        .getMember("check")
        .execute(text, expression ? "eval" : "exec")
        .asString();
  }

  private static synchronized Context context() {
    if (context == null) {
      Engine engine =
          Engine.newBuilder("python").option("engine.WarnInterpreterOnly", "false").build();
      Context made = PythonEngine.sandboxed(engine).build();
      made.eval(Source.create("python", PythonEngine.bootstrap()));
      context = made;
    }
    return context;
  }
}
