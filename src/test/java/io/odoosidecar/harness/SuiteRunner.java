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
 * assertions then judge the cluster's answers.
 */
final class SuiteRunner {
  /** One test's outcome. */
  record Outcome(String test, boolean passed, String failure) {}

  private SuiteRunner() {}

  /**
   * @param servers gives, per test, the server to put in its place (started)
   */
  static List<Outcome> run(Class<?> suite, Supplier<HttpServer> servers) throws Exception {
    List<Method> tests = new ArrayList<>();
    for (Method method : suite.getDeclaredMethods()) {
      if (method.isAnnotationPresent(Test.class) && method.getParameterCount() == 0) {
        tests.add(method);
      }
    }
    tests.sort(Comparator.comparing(Method::getName));
    List<Outcome> out = new ArrayList<>();
    for (Method test : tests) {
      out.add(runOne(suite, test, servers));
    }
    return out;
  }

  private static Outcome runOne(Class<?> suite, Method test, Supplier<HttpServer> servers)
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
    try {
      invokeAll(suite, instance, BeforeEach.class);
      Field server = suite.getDeclaredField("server");
      server.setAccessible(true);
      ((HttpServer) server.get(instance)).stop();
      server.set(instance, servers.get());
      test.setAccessible(true);
      test.invoke(instance);
      return new Outcome(name, true, "");
    } catch (InvocationTargetException e) {
      return new Outcome(name, false, String.valueOf(e.getCause()));
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
