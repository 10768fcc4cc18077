package org.braid.reactor.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.ReactorTime;
import org.braid.reactor.SelectorReactor;

/**
 * The dirty-reactor check (trial's): a test that leaves delayed calls, open connections or
 * listening ports behind fails, with the list of what it left. Call it at the end of a test, or
 * from an {@code @AfterEach} method:
 *
 * <pre>{@code
 * @AfterEach
 * void nothingLeftBehind() {
 *   ReactorAssertions.assertClean(clock);
 * }
 * }</pre>
 *
 * <p>Left-over timers are the usual sign of a timeout or a retry that was never cancelled, or of a
 * test that ended before the code it tests did. Call from the thread that owns the clock or
 * reactor (the test thread, or any thread once {@code run()} has returned).
 */
public final class ReactorAssertions {
  private ReactorAssertions() {}

  /**
   * Fails unless the clock or reactor has no pending delayed calls and, for a {@link
   * SelectorReactor}, no open port or connection.
   *
   * @param clock a manual clock, a reactor, or any {@link ReactorTime}
   * @throws AssertionError listing each pending call and each open port or connection
   */
  public static void assertClean(ReactorTime clock) {
    Objects.requireNonNull(clock, "clock");
    List<DelayedCall> calls = clock.getDelayedCalls();
    List<String> open =
        clock instanceof SelectorReactor reactor
            ? reactor.describeOpenPortsAndConnections()
            : List.of();
    if (calls.isEmpty() && open.isEmpty()) {
      return;
    }
    List<String> problems = new ArrayList<>();
    if (!calls.isEmpty()) {
      problems.add(count(calls.size(), "pending delayed call", "pending delayed calls") + ":");
      for (DelayedCall call : calls) {
        problems.add("  " + call);
      }
    }
    if (!open.isEmpty()) {
      problems.add(count(open.size(), "open port or connection", "open ports and connections") + ":");
      for (String description : open) {
        problems.add("  " + description);
      }
    }
    throw new AssertionError(
        "Reactor unclean after the test ("
            + clock
            + "); cancel timers and close connections and ports before it ends:\n"
            + String.join("\n", problems));
  }

  private static String count(int n, String singular, String plural) {
    return n + " " + (n == 1 ? singular : plural);
  }
}
