package org.braid.protocols.examples;

import org.braid.protocols.LineReceiver;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;
import org.braid.reactor.SelectorReactor;

/**
 * Sends every line back to whoever sent it: the smallest {@link LineReceiver} server.
 *
 * <pre>{@code
 * java ... org.braid.protocols.examples.LineEchoServer [port [interface]]   # 8000 127.0.0.1
 * }</pre>
 *
 * Reactor thread only, apart from {@link #main}.
 */
public final class LineEchoServer {
  private LineEchoServer() {}

  // tag::protocol[]
  /** One connection: each line received is sent back. */
  public static final class Echo extends LineReceiver {
    @Override
    public void lineReceived(byte[] line) {
      sendLine(line);
    }
  }
  // end::protocol[]

  /**
   * Listens for line echo clients.
   *
   * @param reactor the reactor to listen with
   * @param port the TCP port, 0 for any free one
   * @param iface the address to bind, e.g. "127.0.0.1"
   * @return the listening port
   */
  public static ListeningPort listen(Reactor reactor, int port, String iface) {
    // tag::listen[]
    return reactor.listenTCP(port, Factory.forProtocol(Echo::new), 50, iface);
    // end::listen[]
  }

  /**
   * Runs the server until the process is interrupted.
   *
   * @param args optional port (default 8000) and interface (default 127.0.0.1)
   */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8000;
    String iface = args.length > 1 ? args[1] : "127.0.0.1";
    SelectorReactor reactor = new SelectorReactor();
    ListeningPort listening = listen(reactor, port, iface);
    System.out.println("line echo server listening on " + listening.getHost());
    reactor.run();
  }
}
