package org.braid.protocols.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.braid.deferred.Deferred;
import org.braid.deferred.Failure;
import org.braid.protocols.LineReceiver;
import org.braid.reactor.ClientEndpoint;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Endpoints;
import org.braid.reactor.Reactor;
import org.braid.reactor.SelectorReactor;

/**
 * Sends lines to a line server and collects as many lines back: a client of {@link
 * LineEchoServer}. The protocol turns "a reply per line" into a {@link Deferred}, which is how
 * Braid code waits for a conversation to end.
 *
 * <pre>{@code
 * java ... org.braid.protocols.examples.LineClient [host port] line...   # 127.0.0.1 8000 hello
 * }</pre>
 *
 * Reactor thread only, apart from {@link #main}.
 */
public final class LineClient {
  private LineClient() {}

  // tag::protocol[]
  /** Sends its lines once connected; fires {@link #replies()} when as many lines came back. */
  public static final class Conversation extends LineReceiver {
    private final List<String> toSend;
    private final List<String> received = new ArrayList<>();
    private final Deferred<List<String>> replies = new Deferred<>();

    /**
     * A conversation that sends {@code lines}.
     *
     * @param lines the lines to send, without delimiters
     */
    public Conversation(List<String> lines) {
      this.toSend = List.copyOf(lines);
    }

    @Override
    public void connectionMade() {
      toSend.forEach(this::sendLine);
      finishIfDone();
    }

    @Override
    public void lineReceived(byte[] line) {
      received.add(new String(line, UTF_8));
      finishIfDone();
    }

    private void finishIfDone() {
      if (received.size() == toSend.size() && !replies.isCalled()) {
        transport().loseConnection();
        replies.callback(List.copyOf(received));
      }
    }

    @Override
    public void connectionLost(Failure reason) {
      if (!replies.isCalled()) {
        replies.errback(
            new ConnectionDone(
                "connection closed after " + received.size() + " of " + toSend.size() + " replies"));
      }
    }

    /**
     * The replies, once there are as many as lines sent; fails if the connection ends first.
     *
     * @return a Deferred of the replies, in order
     */
    public Deferred<List<String>> replies() {
      return replies;
    }
  }
  // end::protocol[]

  /**
   * Connects, sends {@code lines} and collects as many replies.
   *
   * @param reactor the reactor to connect with
   * @param host the server's host
   * @param port the server's port
   * @param lines what to send
   * @return a Deferred of the replies
   */
  public static Deferred<List<String>> converse(
      Reactor reactor, String host, int port, List<String> lines) {
    // tag::connect[]
    ClientEndpoint endpoint = Endpoints.clientFromString(reactor, "tcp:host=" + host + ":port=" + port);
    return endpoint
        .connect(() -> new Conversation(lines))
        .addCallbackDeferring(Conversation::replies);
    // end::connect[]
  }

  /**
   * Sends the lines given, prints the replies, and exits.
   *
   * @param args host, port, then the lines (defaults: 127.0.0.1 8000 "hello, braid")
   */
  public static void main(String[] args) {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8000;
    List<String> lines =
        args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of("hello, braid");
    SelectorReactor reactor = new SelectorReactor();
    reactor.callWhenRunning(
        () ->
            converse(reactor, host, port, lines)
                .addBoth(
                    (replies, failure) -> {
                      if (failure != null) {
                        System.err.println("failed: " + failure.getErrorMessage());
                      } else {
                        replies.forEach(System.out::println);
                      }
                      reactor.stop();
                      return null;
                    }));
    reactor.run();
  }
}
