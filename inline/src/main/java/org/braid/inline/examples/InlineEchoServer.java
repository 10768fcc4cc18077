package org.braid.inline.examples;

import static org.braid.inline.Inline.await;

import org.braid.inline.InlineServer;
import org.braid.reactor.Factory;
import org.braid.reactor.SelectorReactor;

/**
 * A line echo server written as sequential code: one inline body per connection. The callback
 * twin is {@code org.braid.protocols.examples.LineEchoServer}.
 *
 * <p>Run: {@code java ... org.braid.inline.examples.InlineEchoServer [port]} (default 7001, bound to
 * 127.0.0.1). Reactor thread only.
 */
public final class InlineEchoServer {
  private InlineEchoServer() {}

  /**
   * The echo factory.
   *
   * @return a factory whose connections echo every line back
   */
  public static Factory factory() {
    // tag::echo[]
    return InlineServer.factory(
        conn -> {
          String line;
          while ((line = await(conn.readLine())) != null) {
            await(conn.write(line + "\r\n"));
          }
        });
    // end::echo[]
  }

  /**
   * Runs the server until SIGINT/SIGTERM.
   *
   * @param args the port, optional
   */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7001;
    SelectorReactor reactor = SelectorReactor.builder().installSignalHandlers(true).build();
    reactor.listenTCP(port, factory(), 1024, "127.0.0.1");
    reactor.run();
  }
}
