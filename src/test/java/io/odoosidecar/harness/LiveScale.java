package io.odoosidecar.harness;

/** The live variant of {@code scripts/bench scale}. */
final class LiveScale {
  private LiveScale() {}

  static ScaleBench.Round round(int size, int n) {
    throw new UnsupportedOperationException("not yet");
  }
}
