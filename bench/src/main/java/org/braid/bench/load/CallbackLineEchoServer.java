package org.braid.bench.load;

import java.nio.charset.StandardCharsets;
import org.braid.protocols.LineReceiver;
import org.braid.reactor.Factory;

/**
 * The callback line echo: protocols' {@code LineEchoServer.Echo} as the harness needs it, a
 * {@link LineReceiver} whose {@code lineReceived} calls {@code sendLine}. Two settings differ from
 * the example, the same two Twisted's server in the harness sets: {@code \n} as the delimiter (the
 * load generator's lines end in {@code \n} and are compared byte for byte) and a 64 KiB maximum
 * line; and TCP_NODELAY is on, as on every server of the harness.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.braid.bench.load.CallbackLineEchoServer PORT
 * </pre>
 *
 * Reactor thread only, apart from {@link #main}.
 */
public final class CallbackLineEchoServer {
  private static final byte[] NEWLINE = "\n".getBytes(StandardCharsets.US_ASCII);

  private CallbackLineEchoServer() {}

  /** One connection: each line goes back with its delimiter. */
  static final class Echo extends LineReceiver {
    Echo() {
      setDelimiter(NEWLINE);
      setMaxLength(LoadServer.MAX_LINE);
    }

    @Override
    public void connectionMade() {
      transport().setTcpNoDelay(true);
    }

    @Override
    public void lineReceived(byte[] line) {
      sendLine(line);
    }
  }

  /**
   * Runs the server until SIGINT/SIGTERM.
   *
   * @param args the port
   */
  public static void main(String[] args) {
    int port = LoadServer.port("CallbackLineEchoServer", args);
    LoadServer.serve("callback line echo (LineReceiver)",
        "delimiter \\n, max line " + LoadServer.MAX_LINE + " bytes, TCP_NODELAY", port,
        Factory.forProtocol(Echo::new));
  }
}
