package org.braid.bench.load;

import org.braid.reactor.Factory;
import org.braid.reactor.Protocol;

/**
 * The reactor's floor: every chunk {@code dataReceived} gets is written straight back, with no
 * framing at all. It is a correct line echo (bytes come back in order, whatever the chunking),
 * so the harness can put it beside the line servers: the difference is what framing costs.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar org.braid.bench.load.RawEchoServer PORT
 * </pre>
 *
 * Reactor thread only, apart from {@link #main}.
 */
public final class RawEchoServer {
  private RawEchoServer() {}

  /** One connection: what arrives goes back. */
  static final class Echo extends Protocol {
    @Override
    public void connectionMade() {
      transport().setTcpNoDelay(true);
    }

    @Override
    public void dataReceived(byte[] data) {
      // The array is ours (Protocol.dataReceived hands over a fresh one), so no copy.
      transport().write(data);
    }
  }

  /**
   * Runs the server until SIGINT/SIGTERM.
   *
   * @param args the port
   */
  public static void main(String[] args) {
    int port = LoadServer.port("RawEchoServer", args);
    LoadServer.serve("raw echo (Protocol.dataReceived)", "TCP_NODELAY", port,
        Factory.forProtocol(Echo::new));
  }
}
