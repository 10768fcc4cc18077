package org.braid.bench.load;

import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.SelectorReactor;

/**
 * What every load-harness server shares: the command line ({@code PORT}), the listening settings
 * the harness expects of every line server (127.0.0.1, a 4096-connection backlog so a thousand
 * simultaneous connects are not dropped) and one reactor thread that runs until SIGINT/SIGTERM.
 *
 * <p>Main thread only.
 */
final class LoadServer {
  /** The listen backlog of every server in the harness. */
  static final int BACKLOG = 4096;

  /** The interface every server of the harness binds. */
  static final String INTERFACE = "127.0.0.1";

  /** The longest line the line servers accept, as for the harness's other line servers. */
  static final int MAX_LINE = 64 * 1024;

  private LoadServer() {}

  /**
   * Reads the port from the command line.
   *
   * @param name the server's class name, for the usage message
   * @param args the command line: exactly one port
   * @return the port
   * @throws IllegalArgumentException when the command line is not one port in 1..65535
   */
  static int port(String name, String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException(
          "usage: " + name + " PORT; got " + args.length + " arguments");
    }
    int port;
    try {
      port = Integer.parseInt(args[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": PORT must be a number, got '" + args[0] + "'", e);
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(name + ": PORT " + port + " is outside 1..65535");
    }
    return port;
  }

  /**
   * Listens with {@code factory} and runs the reactor on the calling thread until a signal stops
   * it. Prints one line on standard output once listening, with {@code detail} appended.
   *
   * @param what the server's description for that line
   * @param detail settings worth seeing in the harness's server log
   * @param port the port
   * @param factory builds one protocol per connection
   */
  static void serve(String what, String detail, int port, Factory factory) {
    SelectorReactor reactor = SelectorReactor.builder().installSignalHandlers(true).build();
    ListeningPort listening = reactor.listenTCP(port, factory, BACKLOG, INTERFACE);
    System.out.println(
        what + " listening on " + listening.getHost() + " (one reactor thread; " + detail + ")");
    System.out.flush();
    reactor.run();
  }
}
