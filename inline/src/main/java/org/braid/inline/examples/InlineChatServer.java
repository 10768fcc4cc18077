package org.braid.inline.examples;

import static org.braid.inline.Inline.await;

import java.util.LinkedHashSet;
import java.util.Set;
import org.braid.inline.Connection;
import org.braid.inline.InlineServer;
import org.braid.reactor.Factory;
import org.braid.reactor.SelectorReactor;

/**
 * A chat server written as sequential code: every line a client sends goes to every other
 * client. The callback twin is {@code org.braid.protocols.examples.ChatServer}.
 *
 * <p>Run: {@code java ... org.braid.inline.examples.InlineChatServer [port]} (default 7002, bound to
 * 127.0.0.1). Reactor thread only.
 */
public final class InlineChatServer {
  private final Set<Connection> clients = new LinkedHashSet<>();

  /**
   * The chat factory; all its connections share one room.
   *
   * @return a factory whose connections relay lines to each other
   */
  public Factory factory() {
    // tag::chat[]
    return InlineServer.factory(
        conn -> {
          clients.add(conn);
          try {
            String line;
            while ((line = await(conn.readLine())) != null) {
              for (Connection other : clients) {
                if (other != conn) {
                  other.write(line + "\r\n"); // queued at once; a slow reader slows no one else
                }
              }
            }
          } finally {
            clients.remove(conn);
          }
        });
    // end::chat[]
  }

  /**
   * How many clients are in the room.
   *
   * @return the count
   */
  public int clientCount() {
    return clients.size();
  }

  /**
   * Runs the server until SIGINT/SIGTERM.
   *
   * @param args the port, optional
   */
  public static void main(String[] args) {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 7002;
    SelectorReactor reactor = SelectorReactor.builder().installSignalHandlers(true).build();
    reactor.listenTCP(port, new InlineChatServer().factory(), 1024, "127.0.0.1");
    reactor.run();
  }
}
