package org.braid.bench;

import static org.braid.inline.Inline.await;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.braid.deferred.Deferred;
import org.braid.inline.Inline;
import org.braid.inline.internal.InlineTask;

/**
 * Heap per suspended inline body: {@value #DEFAULT_BODIES} bodies each suspended in an {@code
 * await}, measured as live heap after a full GC, then all resumed and checked to have finished
 * with the right value.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.braid.bench.SuspendedBodiesFootprint [BODIES]
 * </pre>
 *
 * <p>Without options it measures both scheduling modes, each in a child JVM of its own (the mode
 * is chosen once per JVM): carrier ({@code --add-opens java.base/java.lang=ALL-UNNAMED
 * -Dbraid.inline.scheduler=carrier}) and default ({@code -Dbraid.inline.scheduler=default}), and
 * prints one line per mode. {@code --this-jvm} measures the mode of the running JVM only.
 *
 * <p>What is counted: what a waiting body adds beyond the Deferred it waits for. The awaited
 * Deferreds (one per body, as callback code would have too) are created first and are part of the
 * baseline; then the bodies start and each runs to its {@code await}. The difference, divided by
 * the number of bodies, is the body's virtual thread (its object, continuation and stack chunk),
 * its task, the result Deferred and the body's closure. The body is a minimal one: a deeper call
 * stack at the await costs more stack chunk.
 *
 * <p>"Used heap" is {@link MemoryMXBean#getHeapMemoryUsage()} after {@link System#gc()} (a full,
 * stop-the-world collection with G1, the JVM's default here) repeated until it stops shrinking, so
 * it is the live data. The main thread is the bodies' logical thread: it starts them and, by
 * firing each awaited Deferred, resumes them.
 */
public final class SuspendedBodiesFootprint {
  /** Bodies suspended at once when no count is given. */
  static final int DEFAULT_BODIES = 100_000;

  private SuspendedBodiesFootprint() {}

  /** What one measurement found. */
  record Footprint(String mode, int bodies, long baselineBytes, long suspendedBytes,
      long afterResumeBytes) {
    double bytesPerBody() {
      return (double) (suspendedBytes - baselineBytes) / bodies;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT,
          "mode %-7s bodies %,d: live heap %,d B with the awaited Deferreds only, %,d B with the"
              + " bodies suspended, %,d B after all resumed and finished: %.0f B per suspended"
              + " body",
          mode, bodies, baselineBytes, suspendedBytes, afterResumeBytes, bytesPerBody());
    }
  }

  /**
   * Measures both modes in child JVMs, or the running JVM's mode with {@code --this-jvm}.
   *
   * @param args {@code [--this-jvm] [BODIES]}
   * @throws Exception when a child JVM fails or a body did not finish
   */
  public static void main(String[] args) throws Exception {
    boolean thisJvm = false;
    int bodies = DEFAULT_BODIES;
    for (String arg : args) {
      if (arg.equals("--this-jvm")) {
        thisJvm = true;
      } else {
        bodies = Integer.parseInt(arg);
        if (bodies < 1) {
          throw new IllegalArgumentException("BODIES must be at least 1, got " + bodies);
        }
      }
    }
    if (thisJvm) {
      System.out.println(measure(bodies));
      return;
    }
    runChild(bodies, List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "-Dbraid.inline.scheduler=carrier"));
    runChild(bodies, List.of("-Dbraid.inline.scheduler=default"));
  }

  private static void runChild(int bodies, List<String> jvmArgs) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-Xmx2g");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SuspendedBodiesFootprint.class.getName());
    command.add("--this-jvm");
    command.add(Integer.toString(bodies));
    Process child = new ProcessBuilder(command).inheritIO().start();
    if (!child.waitFor(5, TimeUnit.MINUTES)) {
      child.destroyForcibly();
      throw new IllegalStateException("measurement did not finish within 5 minutes: " + command);
    }
    if (child.exitValue() != 0) {
      throw new IllegalStateException(
          "measurement failed with exit status " + child.exitValue() + ": " + command);
    }
  }

  /**
   * Suspends {@code bodies} bodies, measures, resumes them all and checks their results. Runs on
   * the calling thread, which becomes the bodies' logical thread.
   *
   * @param bodies how many
   * @return the figures
   * @throws IllegalStateException when a body did not suspend, or did not finish with its value
   */
  static Footprint measure(int bodies) {
    String mode = InlineTask.carrierMode() ? "carrier" : "default";
    warmUp();
    int liveBefore = InlineTask.liveBodies();
    List<Deferred<Integer>> awaited = new ArrayList<>(bodies);
    for (int i = 0; i < bodies; i++) {
      awaited.add(new Deferred<>());
    }
    List<Deferred<Integer>> results = new ArrayList<>(bodies);
    long baseline = liveHeap();

    for (Deferred<Integer> gate : awaited) {
      results.add(Inline.run(() -> await(gate) + 1));
    }
    int suspended = InlineTask.liveBodies() - liveBefore;
    if (suspended != bodies) {
      throw new IllegalStateException(
          suspended + " bodies are suspended; expected all " + bodies);
    }
    long withBodies = liveHeap();

    int[] finished = {0};
    for (int i = 0; i < bodies; i++) {
      int expected = i + 1;
      awaited.get(i).callback(i);
      results.get(i).addCallback(
          v -> {
            if (v != expected) {
              throw new IllegalStateException("body returned " + v + ", expected " + expected);
            }
            finished[0]++;
            return null;
          });
    }
    if (finished[0] != bodies || InlineTask.liveBodies() != liveBefore) {
      throw new IllegalStateException(finished[0] + " of " + bodies + " bodies finished with"
          + " their value; " + (InlineTask.liveBodies() - liveBefore) + " still live");
    }
    awaited.clear();
    results.clear();
    long after = liveHeap();
    return new Footprint(mode, bodies, baseline, withBodies, after);
  }

  /** Runs a few thousand bodies through a suspension first, so class loading is not counted. */
  private static void warmUp() {
    for (int round = 0; round < 3; round++) {
      List<Deferred<Integer>> gates = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        Deferred<Integer> gate = new Deferred<>();
        gates.add(gate);
        Inline.run(() -> await(gate));
      }
      for (Deferred<Integer> gate : gates) {
        gate.callback(0);
      }
    }
  }

  /** Used heap after full collections, repeated until it no longer shrinks (at most 10). */
  private static long liveHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used >= best) {
        break;
      }
      best = used;
    }
    return best;
  }
}
