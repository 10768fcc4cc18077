package org.braid.tutorial;

import static org.braid.inline.Inline.await;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.CancelledException;
import org.braid.deferred.Deferred;
import org.braid.inline.Inline;
import org.braid.inline.examples.InlineEchoServer;
import org.braid.protocols.examples.LineClient;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;
import org.braid.reactor.testing.ManualClock;

/**
 * Chapter 4, "Inline code": {@link Inline#run} and {@link Inline#await}, when the body runs
 * (played on a manual clock, so that the order is exact), cancelling a body at its await, and the
 * inline echo server answering the very client that talks to the callback one.
 *
 * <p>Single-threaded, like everything in Braid: call the scenes on one thread, a plain one (the
 * last scene starts a reactor of its own).
 */
public final class InlineBasics {
  private final PrintStream out;

  /**
   * Creates the chapter.
   *
   * @param out where the chapter prints what happens
   */
  public InlineBasics(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the chapter's scenes.
   *
   * @throws Exception when the echo conversation fails
   */
  public void run() throws Exception {
    out.println("1. The body runs until it waits; it resumes inside the callback that fires.");
    whenTheBodyRuns().forEach(line -> out.println("   " + line));
    out.println("2. Cancelling the body's Deferred throws CancelledException at its await.");
    cancellingAtTheAwait().forEach(line -> out.println("   " + line));
    out.println("3. The inline echo server speaks the same protocol as the callback one.");
    out.println("   LineClient got back " + echoFromTheInlineServer(List.of("hello", "inline")));
  }

  /**
   * Plays one body on a manual clock and records, in order, what the body and its caller saw.
   *
   * @return the events, in the order they happened
   */
  public List<String> whenTheBodyRuns() {
    ManualClock clock = new ManualClock();
    List<String> events = new ArrayList<>();
    // tag::ordering[]
    Deferred<String> reply = clock.deferLater(Duration.ofMillis(5), () -> "Ada"); // the "network"
    Deferred<String> greeting =
        Inline.run(
            () -> {
              events.add("body: asks for the name");
              String name = await(reply); // the body waits here; run(...) returns
              events.add("body: got " + name);
              return "Hello, " + name;
            });
    events.add("run returned " + state(greeting));
    clock.advance(Duration.ofMillis(5)); // fires reply: the body finishes inside this call
    events.add("advance returned " + state(greeting));
    // end::ordering[]
    return events;
  }

  /**
   * Cancels a body while it awaits a 30 s timer, and records what the body did about it.
   *
   * @return the events, in the order they happened
   */
  public List<String> cancellingAtTheAwait() {
    ManualClock clock = new ManualClock();
    List<String> events = new ArrayList<>();
    // tag::cancel[]
    Deferred<String> slow = clock.deferLater(Duration.ofSeconds(30), () -> "too late");
    Deferred<String> answer =
        Inline.run(
            () -> {
              try {
                return await(slow);
              } catch (CancelledException e) { // thrown at the await, where the body can clean up
                events.add("body: cancelled while waiting; cleaning up");
                return "nobody waited";
              }
            });
    answer.cancel(); // cancels what the body awaits: slow, whose canceller stops the timer
    // end::cancel[]
    events.add("cancel returned " + state(answer));
    events.add("timers still pending: " + clock.getDelayedCalls().size());
    return events;
  }

  /**
   * Starts {@link InlineEchoServer} on a reactor of its own and talks to it with {@link
   * LineClient}, the client of chapter 2.
   *
   * @param lines what to send
   * @return what came back
   * @throws Exception when the conversation fails
   */
  public List<String> echoFromTheInlineServer(List<String> lines) throws Exception {
    try (ReactorThread running = ReactorThread.start("braid-reactor-chapter-4")) {
      Reactor reactor = running.reactor();
      ListeningPort port =
          running.call(
              () ->
                  Deferred.succeed(
                      reactor.listenTCP(0, InlineEchoServer.factory(), 50, "127.0.0.1")));
      int portNumber = ((InetSocketAddress) port.getHost()).getPort();
      return running.call(() -> LineClient.converse(reactor, "127.0.0.1", portNumber, lines));
    }
  }

  /** A Deferred's state and value for the transcript, without its identity hash. */
  private static String state(Deferred<String> d) {
    if (!d.isCalled()) {
      return "a pending Deferred";
    }
    String[] value = new String[1];
    d.addCallback(
        v -> {
          value[0] = v;
          return v;
        });
    return "a fired Deferred: " + value[0];
  }
}
