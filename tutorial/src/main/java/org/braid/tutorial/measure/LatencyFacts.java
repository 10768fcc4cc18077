package org.braid.tutorial.measure;

import java.util.Arrays;

/**
 * Latency and throughput of one style on one workload, measured in one run.
 *
 * @param iterations how many operations were timed (one after another)
 * @param p50Micros the median latency, microseconds
 * @param p99Micros the 99th percentile, microseconds
 * @param perSecond operations per second over the whole timed run
 */
public record LatencyFacts(int iterations, double p50Micros, double p99Micros, double perSecond) {

  /**
   * Summarizes latencies. Any thread.
   *
   * @param nanos each operation's latency in nanoseconds
   * @param totalNanos the whole run's time
   * @return the facts
   */
  public static LatencyFacts of(long[] nanos, long totalNanos) {
    if (nanos.length == 0) {
      throw new IllegalArgumentException("no latencies to summarize");
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new LatencyFacts(
        sorted.length,
        percentile(sorted, 0.50) / 1e3,
        percentile(sorted, 0.99) / 1e3,
        sorted.length / (totalNanos / 1e9));
  }

  /** Nearest-rank percentile. */
  private static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
