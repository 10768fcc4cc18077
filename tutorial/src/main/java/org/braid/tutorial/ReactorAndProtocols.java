package org.braid.tutorial;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.braid.deferred.Deferred;
import org.braid.protocols.examples.LineClient;
import org.braid.protocols.examples.LineEchoServer;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;

/**
 * Chapter 2, "The reactor and protocols": a reactor on a thread of its own, a timer, and the
 * protocols example's line echo server and line client talking over 127.0.0.1.
 *
 * <p>Call {@link #run()} from a plain thread: it starts a reactor and stops it before returning.
 */
public final class ReactorAndProtocols {
  private final PrintStream out;

  /**
   * Creates the chapter.
   *
   * @param out where the chapter prints what happens
   */
  public ReactorAndProtocols(PrintStream out) {
    this.out = out;
  }

  /**
   * What the chapter saw.
   *
   * @param timerThread the thread the timer ran on
   * @param sent the lines the client sent
   * @param echoed the lines the echo server sent back
   */
  public record Seen(String timerThread, List<String> sent, List<String> echoed) {}

  /**
   * Starts a reactor, runs a timer on it, starts the echo server and talks to it.
   *
   * @return what the chapter saw
   * @throws Exception when the conversation fails
   */
  public Seen run() throws Exception {
    List<String> lines = List.of("hello", "braid", "one reactor, many connections");
    String timerThread;
    List<String> echoed;
    // tag::run[]
    try (ReactorThread running = ReactorThread.start("braid-reactor-chapter-2")) {
      Reactor reactor = running.reactor();
      timerThread =
          running.call(
              () -> reactor.deferLater(Duration.ofMillis(10), () -> Thread.currentThread().getName()));
      ListeningPort port =
          running.call(() -> Deferred.succeed(LineEchoServer.listen(reactor, 0, "127.0.0.1")));
      int portNumber = ((InetSocketAddress) port.getHost()).getPort();
      echoed = running.call(() -> LineClient.converse(reactor, "127.0.0.1", portNumber, lines));
    } // stops the reactor: the port closes, the thread ends
    // end::run[]
    out.println("   a timer ran 10 ms later on the reactor thread: " + timerThread);
    out.println("   the client sent the echo server " + lines);
    out.println("   and got back                    " + echoed);
    return new Seen(timerThread, lines, echoed);
  }
}
