package org.braid.tutorial;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.braid.reactor.SelectorReactor;
import org.braid.tutorial.live.Comparison;
import org.braid.tutorial.live.ComparisonPage;
import org.braid.tutorial.live.LiveCache;
import org.braid.tutorial.live.Measurements;
import org.braid.tutorial.live.Operation;
import org.braid.tutorial.live.WalkthroughRun;

/**
 * Braid's main job: runs the tutorial's chapters in order against embedded memcache servers in
 * this process, prints what each style did and whether its checks pass, writes the side-by-side
 * page, and ends with the comparison table. Exits with 0 when every check passed, 1 otherwise.
 *
 * <p>Run it from the repository root with {@code mvn -q -pl tutorial -am compile exec:exec}.
 * Arguments: {@code --html=<file>} writes the page there; {@code --iterations=<n>} times n
 * operations per style and hard case (default 2000). The main thread drives; the reactor runs on
 * a thread of its own.
 */
public final class Walkthrough {
  private static final int DEFAULT_ITERATIONS = 2000;

  private Walkthrough() {}

  /**
   * Runs every chapter and exits.
   *
   * @param args {@code --html=<file>}, {@code --iterations=<n>}
   * @throws Exception when the walkthrough itself cannot run (a failed check exits with 1)
   */
  public static void main(String[] args) throws Exception {
    Path html = null;
    int iterations = DEFAULT_ITERATIONS;
    for (String arg : args) {
      if (arg.startsWith("--html=")) {
        html = Path.of(arg.substring("--html=".length()));
      } else if (arg.startsWith("--iterations=")) {
        iterations = Integer.parseInt(arg.substring("--iterations=".length()));
      } else {
        System.err.println("unknown argument '" + arg + "'; expected --html=<file> or --iterations=<n>");
        System.exit(2);
      }
    }
    System.exit(run(html, iterations) ? 0 : 1);
  }

  /**
   * Runs every chapter.
   *
   * @param html where to write the page, or null for no page
   * @param iterations operations timed per style and hard case
   * @return whether every check passed
   * @throws Exception when the walkthrough itself cannot run
   */
  public static boolean run(Path html, int iterations) throws Exception {
    long start = System.nanoTime();
    System.out.println("== Braid walkthrough: callbacks or inline code? ==");
    System.out.println();
    System.out.println("-- Chapter 1: Why waiting is the problem --");
    new WhyWaiting(System.out).run();
    System.out.println();
    System.out.println("-- Chapter 2: The reactor and protocols --");
    new ReactorAndProtocols(System.out).run();
    System.out.println();
    System.out.println("-- Chapter 3: Deferreds --");
    new DeferredBasics(System.out).run();
    System.out.println();
    System.out.println("-- Chapter 4: Inline code --");
    new InlineBasics(System.out).run();
    SelectorReactor reactor =
        SelectorReactor.builder()
            .installSignalHandlers(false)
            .slowCallbackThreshold(Duration.ofMillis(500))
            .build();
    List<Comparison> rows;
    try (LiveCache live = LiveCache.start(3, reactor, Duration.ofSeconds(1))) {
      System.out.println();
      System.out.println("-- Embedded memcache servers on " + live.server(0).address().getPort() + ", "
          + live.server(1).address().getPort() + ", " + live.server(2).address().getPort()
          + " (127.0.0.1), failure modes switched on per chapter --");
      rows = new WalkthroughRun(live, System.out, iterations).run(6);
    }
    String setting = String.format(Locale.ROOT,
        "Measured in one run of the walkthrough: embedded servers over TCP on 127.0.0.1, one"
            + " reactor thread, Java %s, %d cores; %d operations timed per style and hard case"
            + " (%d batches of 100 reads), one at a time.",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), iterations,
        Measurements.iterationsFor(Operation.BATCH, iterations));
    if (html != null) {
      ComparisonPage.write(html, rows, setting);
    }
    System.out.println();
    System.out.println("-- Chapter 12: Debugging --");
    new Debugging(System.out).run();
    System.out.println();
    WalkthroughRun.printTable(System.out, rows);
    boolean passed = rows.stream().allMatch(Comparison::passed);
    System.out.println();
    if (html != null) {
      System.out.println("Side-by-side page: " + html.toAbsolutePath().normalize());
    }
    System.out.printf(Locale.ROOT, "%s in %.1f s.%n",
        passed ? "Every check passed in both styles" : "SOME CHECKS FAILED",
        (System.nanoTime() - start) / 1e9);
    return passed;
  }
}
