package io.odoosidecar.harness;

import io.odoosidecar.server.HttpServer;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code @Test} methods of a test class as JUnit would (a fresh instance each, its {@code
 * TempDir} fields filled, its {@code @BeforeEach} and {@code @AfterEach} around), with one change:
 * after {@code @BeforeEach}, the server the test made for itself is stopped and its {@code server}
 * field given another, the harness's, which forwards to a cluster instance. The test's own
 * assertions then judge the cluster's answers; a test one of whose calls got no answer at all
 * (every instance away at that moment) is run again, up to {@value #TRIES} times.
 */
final class SuiteRunner {
  /** One test's outcome; {@code tries}: how many runs it took to get an answer to judge. */
  record Outcome(String test, boolean passed, String failure, int tries) {}

  /** What stands in for the test's own server. */
  interface Stand {
    /** The server, started. */
    HttpServer server();

    /** Whether a call of the test got no answer at all (nothing for the test to judge). */
    boolean unanswered();
  }

  /** How many times a test whose calls went unanswered is run again. */
  static final int TRIES = 5;

  private SuiteRunner() {}

  /**
   * @param servers gives, per test, the server to put in its place (started)
   */
  static List<Outcome> run(Class<?> suite, Supplier<Stand> servers) throws Exception {
    List<Method> tests = new ArrayList<>();
    for (Method method : suite.getDeclaredMethods()) {
      if (method.isAnnotationPresent(Test.class) && method.getParameterCount() == 0) {
        tests.add(method);
      }
    }
    tests.sort(Comparator.comparing(Method::getName));
    List<Outcome> out = new ArrayList<>();
    for (Method test : tests) {
      Outcome outcome = null;
      for (int tries = 1; tries <= TRIES && (outcome == null || outcome.tries() < 0); tries++) {
        outcome = runOne(suite, test, servers, tries);
      }
      out.add(
          outcome.tries() < 0
              ? new Outcome(outcome.test(), false, outcome.failure(), TRIES)
              : outcome);
    }
    return out;
  }

  /** One run; an outcome with negative tries when a call went unanswered (to be run again). */
  private static Outcome runOne(Class<?> suite, Method test, Supplier<Stand> servers, int tries)
      throws Exception {
    var constructor = suite.getDeclaredConstructor();
    constructor.setAccessible(true);
    Object instance = constructor.newInstance();
    List<Path> temps = new ArrayList<>();
    for (Field field : suite.getDeclaredFields()) {
      if (field.isAnnotationPresent(TempDir.class)) {
        Path dir = Files.createTempDirectory("sidecar-hostile");
        temps.add(dir);
        field.setAccessible(true);
        field.set(instance, dir);
      }
    }
    String name = suite.getSimpleName() + "." + test.getName();
    Stand stand = null;
    try {
      invokeAll(suite, instance, BeforeEach.class);
      Field server = suite.getDeclaredField("server");
      server.setAccessible(true);
      ((HttpServer) server.get(instance)).stop();
      stand = servers.get();
      server.set(instance, stand.server());
      test.setAccessible(true);
      test.invoke(instance);
      return new Outcome(name, true, "", tries);
    } catch (InvocationTargetException e) {
      boolean again = stand != null && stand.unanswered();
      return new Outcome(name, false, String.valueOf(e.getCause()), again ? -1 : tries);
    } finally {
      try {
        invokeAll(suite, instance, AfterEach.class);
      } catch (InvocationTargetException e) {
        // the test's own clean-up: its outcome stands
      }
      for (Path dir : temps) {
        delete(dir);
      }
    }
  }

  private static void invokeAll(
      Class<?> suite, Object instance, Class<? extends java.lang.annotation.Annotation> kind)
      throws Exception {
    for (Method method : suite.getDeclaredMethods()) {
      if (method.isAnnotationPresent(kind)) {
        method.setAccessible(true);
        method.invoke(instance);
      }
    }
  }

  private static void delete(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
