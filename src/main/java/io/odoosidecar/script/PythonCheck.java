package io.odoosidecar.script;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.IOAccess;

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
      Context made =
          Context.newBuilder("python")
              .engine(engine)
              .allowHostAccess(HostAccess.NONE)
              .allowHostClassLookup(name -> false)
              .allowIO(IOAccess.NONE)
              .allowCreateThread(false)
              .allowCreateProcess(false)
              .allowNativeAccess(false)
              .build();
      made.eval(Source.create("python", bootstrap()));
      context = made;
    }
    return context;
  }

  private static String bootstrap() {
    try (InputStream in = PythonCheck.class.getResourceAsStream("odoo_env.py")) {
      if (in == null) {
        throw new IllegalStateException("odoo_env.py is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read odoo_env.py", e);
    }
  }
}
