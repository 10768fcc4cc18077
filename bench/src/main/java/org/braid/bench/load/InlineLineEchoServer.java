package org.braid.bench.load;

import static org.braid.inline.Inline.await;

import org.braid.inline.Connection;
import org.braid.inline.InlineServer;
import org.braid.inline.internal.InlineTask;
import org.braid.reactor.Factory;

/**
 * The sequential line echo: inline's {@code InlineEchoServer} body, one inline body per
 * connection reading with {@code await(conn.readLine())} and answering with {@code
 * await(conn.write(...))}. One difference from the example: the answer ends in {@code \n}, as the
 * line came, where the example answers {@code \r\n}; the load generator compares every byte.
 * TCP_NODELAY is on, as on every server of the harness.
 *
 * <p>Lines are limited to {@link Connection#MAX_LINE_LENGTH} bytes (fixed in the inline module),
 * so {@code servers.conf} tells the harness's correctness check to use a line of that length
 * instead of its 40,000-byte one.
 *
 * <p>The scheduling mode is the point of this server: it must run in carrier mode (bodies resumed
 * on the reactor thread itself). The registry starts it with {@code
 * -Dbraid.inline.scheduler=carrier} and {@code --add-opens java.base/java.lang=ALL-UNNAMED}; the
 * first forces the mode (the inline module refuses to start a body without it), and the line
 * printed at startup says which mode is in use.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -Dbraid.inline.scheduler=carrier \
 *     -cp bench/target/benchmarks.jar org.braid.bench.load.InlineLineEchoServer PORT
 * </pre>
 *
 * Reactor thread only, apart from {@link #main}.
 */
public final class InlineLineEchoServer {
  private InlineLineEchoServer() {}

  /**
   * The echo factory: one body per connection, each line written back with {@code \n}.
   *
   * @return the factory
   */
  static Factory factory() {
    return InlineServer.factory(
        conn -> {
          conn.transport().setTcpNoDelay(true);
          String line;
          while ((line = await(conn.readLine())) != null) {
            await(conn.write(line + "\n"));
          }
        });
  }

  /**
   * Runs the server until SIGINT/SIGTERM.
   *
   * @param args the port
   */
  public static void main(String[] args) {
    int port = LoadServer.port("InlineLineEchoServer", args);
    String mode = InlineTask.carrierMode() ? "carrier" : "default";
    LoadServer.serve("inline line echo (InlineServer, await readLine/write)",
        "inline scheduler: " + mode + ", max line " + Connection.MAX_LINE_LENGTH
            + " bytes, TCP_NODELAY", port, factory());
  }
}
