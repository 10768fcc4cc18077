package org.braid.tutorial;

import static org.braid.inline.Inline.await;

import java.io.PrintStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.AlreadyCalledException;
import org.braid.deferred.Deferred;
import org.braid.inline.Inline;
import org.braid.reactor.SelectorReactor;
import org.braid.reactor.testing.ManualClock;
import org.braid.tutorial.DeferredBasics.KeyNotFoundException;

/**
 * Chapter 12, "Debugging": what Braid tells you when something goes wrong, each scene causing it on
 * purpose. A Deferred fired twice, in debug mode; a failure nobody handled, reported when its
 * Deferred is garbage-collected; a callback that blocks the reactor thread, caught by the
 * slow-callback watchdog; and the stack trace of one failure in each style.
 *
 * <p>Debug mode is global: the scenes that turn it on turn it back to what it was. The log
 * records (the unhandled error, the watchdog's warning) go to the application's logger, on
 * stderr in the walkthrough. Call the scenes from one plain thread.
 */
public final class Debugging {
  /** The frames the transcripts keep: this chapter's own. */
  static final Class<?> OWN_FRAMES = Debugging.class;

  /** How long the blocking callback holds the reactor thread. */
  static final Duration BLOCKED_FOR = Duration.ofMillis(200);

  /** The watchdog's threshold in the slow-callback scene. */
  static final Duration THRESHOLD = Duration.ofMillis(50);

  /** Garbage-collection rounds the unhandled-error scene tries before giving up. */
  private static final int MAX_GC_ROUNDS = 50;

  private final PrintStream out;

  /**
   * Creates the chapter.
   *
   * @param out where the chapter prints what happens
   */
  public Debugging(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the four scenes.
   *
   * @throws Exception when the reactor of the slow-callback scene cannot run the callback
   */
  public void run() throws Exception {
    out.println("1. A Deferred fired twice, in debug mode:");
    out.print(indent(alreadyCalled()));
    out.println("2. A failure nobody handled is logged when its Deferred is collected:");
    boolean collected = unhandledError().collected();
    out.println("   " + (collected
        ? "the Deferred was collected; its \"Unhandled error in Deferred\" record is on stderr"
        : "the Deferred was not collected after " + MAX_GC_ROUNDS + " GC rounds; no record yet"));
    out.println("3. A callback that blocks the reactor thread for " + BLOCKED_FOR.toMillis()
        + " ms, watchdog threshold " + THRESHOLD.toMillis() + " ms:");
    out.println("   the callback returned " + slowCallback()
        + "; the watchdog's warning, with the reactor thread's stack, is on stderr");
    out.println("4. The same failure, caught in each style:");
    for (String trace : stackTraces()) {
      out.print(indent(trace));
    }
  }

  // tag::already-called[]
  private static Deferred<String> ask(String key) {
    return new Deferred<String>().describedAs("get \"" + key + "\"");
  }

  private static void answer(Deferred<String> reply, String value) {
    reply.callback(value);
  }
  // end::already-called[]

  /**
   * Fires a Deferred twice with debug mode on.
   *
   * @return the {@link AlreadyCalledException}'s message, cut to this chapter's frames
   */
  public String alreadyCalled() {
    boolean debugging = Deferred.getDebugging();
    try {
      // tag::fire-twice[]
      Deferred.setDebugging(true); // records where each Deferred is created and first fired
      Deferred<String> reply = ask("user:42");
      answer(reply, "Ada");
      try {
        answer(reply, "Ada"); // a second reply to the same request: a bug somewhere
      } catch (AlreadyCalledException e) {
        return ShortTrace.filterFrames(e.getMessage(), OWN_FRAMES);
      }
      // end::fire-twice[]
    } finally {
      Deferred.setDebugging(debugging);
    }
    throw new IllegalStateException("a second callback(...) did not throw AlreadyCalledException");
  }

  /**
   * What the unhandled-error scene dropped.
   *
   * @param failure the exception the dropped Deferred failed with, to find its record in the log
   * @param collected whether the garbage collector collected the Deferred
   */
  public record Dropped(Throwable failure, boolean collected) {}

  /**
   * Drops a failing Deferred nobody handles, in debug mode, and runs the garbage collector until
   * it is collected (at most 50 rounds); its cleaner then logs the failure, on the cleaner thread.
   *
   * @return what was dropped
   */
  public Dropped unhandledError() {
    boolean debugging = Deferred.getDebugging();
    KeyNotFoundException failure = new KeyNotFoundException("user:7");
    WeakReference<Deferred<String>> dropped;
    try {
      Deferred.setDebugging(true);
      dropped = dropAFailedLookup(failure);
    } finally {
      Deferred.setDebugging(debugging);
    }
    for (int round = 0; round < MAX_GC_ROUNDS && dropped.get() != null; round++) {
      System.gc(); // waits for the collector, not for time to pass
    }
    return new Dropped(failure, dropped.get() == null);
  }

  // tag::unhandled[]
  private static WeakReference<Deferred<String>> dropAFailedLookup(Exception failure) {
    Deferred<String> reply = ask("user:7");
    reply.addCallback(name -> "Hello, " + name); // no errback: the failure ends the chain
    reply.errback(failure);
    return new WeakReference<>(reply); // nothing else refers to it: it is garbage now
  }
  // end::unhandled[]

  /**
   * Runs a callback that blocks the reactor thread for {@link #BLOCKED_FOR}, on a reactor whose
   * watchdog warns after {@link #THRESHOLD}.
   *
   * @return what the callback returned
   * @throws Exception when the reactor cannot run it
   */
  public String slowCallback() throws Exception {
    // tag::slow-reactor[]
    SelectorReactor reactor =
        SelectorReactor.builder()
            .installSignalHandlers(false)
            .slowCallbackThreshold(Duration.ofMillis(50)) // debug option: warn, with the stack
            .build();
    // end::slow-reactor[]
    try (ReactorThread running = new ReactorThread(reactor, "braid-reactor-chapter-12")) {
      return running.call(() -> reactor.deferLater(Duration.ZERO, Debugging::lookUpTheBlockingWay));
    }
  }

  // tag::blocking-callback[]
  private static String lookUpTheBlockingWay() throws InterruptedException {
    Thread.sleep(BLOCKED_FOR); // stands for JDBC, a blocking socket, a contended lock
    return "Ada";
  }
  // end::blocking-callback[]

  /**
   * Catches the same failure in callback style and in inline style, on a manual clock.
   *
   * @return the two stack traces, cut to this chapter's frames: callback style first
   */
  public List<String> stackTraces() {
    ManualClock clock = new ManualClock();
    List<Throwable> caught = new ArrayList<>();
    // tag::trace-callback[]
    lookUp(clock, "user:7")
        .addCallback(name -> "Hello, " + name)
        .addErrback(
            failure -> {
              caught.add(failure.value());
              return "Hello, stranger";
            });
    // end::trace-callback[]
    // tag::trace-inline[]
    Inline.run(
        () -> {
          try {
            return "Hello, " + await(lookUp(clock, "user:7"));
          } catch (KeyNotFoundException e) {
            caught.add(e);
            return "Hello, stranger";
          }
        });
    // end::trace-inline[]
    clock.advance(Duration.ofMillis(1));
    if (caught.size() != 2) {
      throw new IllegalStateException("expected the failure caught in both styles, got " + caught);
    }
    return List.of(
        "callback style:\n" + ShortTrace.of(caught.get(0), OWN_FRAMES),
        "inline style:\n" + ShortTrace.of(caught.get(1), OWN_FRAMES));
  }

  // tag::failing-lookup[]
  /** A lookup that fails 1 ms later, on a timer, as a reply from the network would. */
  private static Deferred<String> lookUp(ManualClock clock, String key) {
    return clock.deferLater(
        Duration.ofMillis(1),
        () -> {
          throw new KeyNotFoundException(key);
        });
  }
  // end::failing-lookup[]

  private static String indent(String text) {
    return text.lines().map(line -> "   " + line + "\n").reduce("", String::concat);
  }
}
