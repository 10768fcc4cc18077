package org.braid.tutorial;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.braid.deferred.Failure;
import org.braid.protocols.LineReceiver;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;
import org.braid.reactor.ReactorTime;

/**
 * A deliberately slow line server for chapter 1: it answers each line holding a number with its
 * square, but only after a fixed delay, as a database or a remote service would. The delay is a
 * timer, not a sleep: while an answer is due the reactor thread serves everyone else.
 *
 * <p>Reactor thread only.
 */
public final class SlowSquareServer {
  private SlowSquareServer() {}

  // tag::protocol[]
  /** One connection: each number received is answered with its square, {@code delay} later. */
  static final class Square extends LineReceiver {
    private final ReactorTime clock;
    private final Duration delay;
    private final Set<DelayedCall> due = new HashSet<>();

    Square(ReactorTime clock, Duration delay) {
      this.clock = clock;
      this.delay = delay;
    }

    @Override
    public void lineReceived(byte[] line) {
      String text = new String(line, US_ASCII).strip();
      String answer;
      try {
        long n = Long.parseLong(text);
        answer = Long.toString(n * n);
      } catch (NumberFormatException e) {
        answer = "ERROR not a number: " + text;
      }
      String reply = answer;
      DelayedCall[] call = new DelayedCall[1];
      call[0] = clock.callLater(delay, () -> { // answer later; the thread is free meanwhile
        due.remove(call[0]);
        sendLine(reply);
      });
      due.add(call[0]);
    }

    @Override
    public void connectionLost(Failure reason) {
      due.forEach(DelayedCall::cancel); // nobody is left to answer
      due.clear();
    }
  }
  // end::protocol[]

  /**
   * Listens on a free port of 127.0.0.1.
   *
   * @param reactor the reactor to listen with, whose clock times the answers
   * @param delay how long each answer takes
   * @return the listening port
   */
  public static ListeningPort listen(Reactor reactor, Duration delay) {
    return reactor.listenTCP(0, Factory.forProtocol(() -> new Square(reactor, delay)), 50, "127.0.0.1");
  }
}
