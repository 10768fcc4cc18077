package org.braid.tutorial.live;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.braid.tutorial.measure.LatencyFacts;
import org.braid.tutorial.measure.SourceFacts;
import org.braid.tutorial.measure.StackFacts;
import org.braid.tutorial.recipes.CacheRecipes;
import org.braid.tutorial.recipes.Style;

/**
 * The hard-case chapters played live and measured: for each hard case a progress line, what each
 * style did (with the failure mode on) and whether its checks passed; then the measurements; then
 * the comparison table.
 *
 * <p>Call {@link #run} on a thread of its own (the main thread), never on the reactor thread.
 */
public final class WalkthroughRun {
  /** The longest one scenario or one measurement may take before it counts as hung. */
  private static final Duration BOUND = Duration.ofSeconds(60);

  private final LiveCache live;
  private final PrintStream out;
  private final int iterations;

  /**
   * Creates the run.
   *
   * @param live the running servers
   * @param out where to print
   * @param iterations operations timed per style and hard case (a twentieth of it for the batch)
   */
  public WalkthroughRun(LiveCache live, PrintStream out, int iterations) {
    this.live = live;
    this.out = out;
    this.iterations = iterations;
  }

  /**
   * Plays and measures every hard case.
   *
   * @param firstChapter the number of the first hard-case chapter, for the progress lines
   * @return one comparison per hard case, in order
   * @throws Exception when the reactor fails to answer (a failed check is a result, not an
   *     exception)
   */
  public List<Comparison> run(int firstChapter) throws Exception {
    Scenarios scenarios = new Scenarios(live);
    Measurements measurements = new Measurements(live);
    Map<Style, CacheRecipes> recipes = new EnumMap<>(Style.class);
    for (Style s : Style.values()) {
      recipes.put(s, s.recipes(live.reactor(), Duration.ofSeconds(1)));
    }
    Operation[] ops = Operation.values();
    Map<Operation, Map<Style, Played>> played = new EnumMap<>(Operation.class);
    for (int i = 0; i < ops.length; i++) {
      Operation op = ops[i];
      out.printf(Locale.ROOT, "%n-- Chapter %d of the hard cases (%d/%d): %s --%n",
          firstChapter + i, i + 1, ops.length, op.title());
      Map<Style, Played> byStyle = new EnumMap<>(Style.class);
      for (Style s : Style.values()) {
        Played p = play(scenarios, op, recipes.get(s));
        byStyle.put(s, p);
        out.printf(Locale.ROOT, "   %-8s %s%n", s.label(), p.passed ? "checks pass" : "CHECK FAILED: " + p.failure);
        for (String line : p.lines) {
          out.println("            " + line);
        }
      }
      played.put(op, byStyle);
    }
    out.printf(Locale.ROOT, "%n-- Measuring both styles on the same workloads (%d operations each) --%n",
        iterations);
    List<Comparison> rows = new ArrayList<>();
    for (Operation op : ops) {
      Map<Style, StyleFacts> facts = new EnumMap<>(Style.class);
      for (Style s : Style.values()) {
        CacheRecipes r = recipes.get(s);
        LatencyFacts latency = live.call(BOUND, () -> measurements.latency(op, r, iterations));
        StackFacts stack = live.call(BOUND, () -> measurements.stack(op, r));
        String file = s == Style.CALLBACK ? "CallbackRecipes.java" : "InlineRecipes.java";
        SourceFacts source = SourceFacts.read(file, op.tag() + "-" + s.label());
        Played p = played.get(op).get(s);
        facts.put(s, new StyleFacts(s, p.lines, p.passed, p.failure, source, latency, stack));
      }
      out.printf(Locale.ROOT, "   %-14s measured%n", op.tag());
      rows.add(new Comparison(op, facts.get(Style.CALLBACK), facts.get(Style.INLINE)));
    }
    return rows;
  }

  private Played play(Scenarios scenarios, Operation op, CacheRecipes r) throws Exception {
    try {
      return new Played(live.call(BOUND, () -> scenarios.play(op, r)), true, null);
    } catch (CheckFailedException e) {
      return new Played(List.of(), false, e.getMessage());
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      return new Played(List.of(), false, e.toString());
    }
  }

  private record Played(List<String> lines, boolean passed, String failure) {}

  /**
   * Prints the comparison table.
   *
   * @param out where
   * @param rows the comparisons
   */
  public static void printTable(PrintStream out, List<Comparison> rows) {
    out.println();
    out.println("== Callbacks or inline code? The comparison ==");
    String format = "%-14s %-8s %-6s %5s %16s %9s %9s %9s %14s%n";
    out.printf(Locale.ROOT, format, "hard case", "style", "checks", "lines", "callbacks/awaits",
        "p50 µs", "p99 µs", "ops/s", "trace (recipe)");
    for (Comparison row : rows) {
      for (StyleFacts f : List.of(row.callback(), row.inline())) {
        out.printf(Locale.ROOT, format,
            f.style() == Style.CALLBACK ? row.op().tag() : "",
            f.style().label(),
            f.passed() ? "pass" : "FAIL",
            f.source().lines(),
            f.style() == Style.CALLBACK ? f.source().callbacks() + " callbacks" : f.source().awaits() + " awaits",
            ComparisonPage.num(f.latency().p50Micros()),
            ComparisonPage.num(f.latency().p99Micros()),
            ComparisonPage.num(f.latency().perSecond()),
            f.stack() == null ? "–" : f.stack().frames() + " (" + f.stack().applicationFrames() + ")");
      }
    }
  }
}
