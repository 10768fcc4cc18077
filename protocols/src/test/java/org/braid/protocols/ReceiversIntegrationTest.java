package org.braid.protocols;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Supplier;
import org.braid.protocols.examples.ChatServer;
import org.braid.protocols.examples.LineClient;
import org.braid.protocols.examples.LineEchoServer;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One test per receiver over real loopback sockets: a Braid echo server on a SelectorReactor on
 * its own thread, plain blocking sockets as peers. Each sends good frames in pieces, then an
 * oversized or malformed one on a second connection, and checks that only that connection is
 * closed while the first keeps being served.
 */
@Timeout(60)
@SuppressWarnings("try") // log captures that only keep expected errors off the console
class ReceiversIntegrationTest {
  private RunningReactor running;
  private LogCapture[] quiet;

  @BeforeEach
  void start() throws Exception {
    running = RunningReactor.start();
    quiet =
        new LogCapture[] {
          LogCapture.of(LineReceiver.class),
          LogCapture.of(LineOnlyReceiver.class),
          LogCapture.of(IntNStringReceiver.class),
          LogCapture.of(NetstringReceiver.class)
        };
  }

  @AfterEach
  void stop() throws Exception {
    running.close();
    for (LogCapture c : quiet) {
      c.close();
    }
  }

  private int listen(Supplier<? extends Protocol> protocol) throws Exception {
    ListeningPort port =
        running.compute(() -> running.reactor.listenTCP(0, Factory.forProtocol(protocol), 50, "127.0.0.1"));
    return ((InetSocketAddress) port.getHost()).getPort();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(ISO_8859_1);
  }

  /** Sends {@code good} in three pieces and expects it back; then a bad frame on another peer. */
  private void echoesGoodFramesAndDropsOnlyTheBadPeer(int port, byte[] good, byte[] bad)
      throws Exception {
    try (BlockingPeer first = BlockingPeer.to(port); BlockingPeer second = BlockingPeer.to(port)) {
      int third = good.length / 3;
      first.write(java.util.Arrays.copyOfRange(good, 0, third));
      first.write(java.util.Arrays.copyOfRange(good, third, 2 * third));
      first.write(java.util.Arrays.copyOfRange(good, 2 * third, good.length));
      assertThat(first.read(good.length)).isEqualTo(good);

      second.write(bad);
      assertThat(second.readUntilClosed()).isEmpty();

      first.write(good);
      assertThat(first.read(good.length)).isEqualTo(good);
    }
  }

  @Test
  void lineReceiverEchoServerOverSockets() throws Exception {
    int port =
        running.compute(
            () ->
                ((InetSocketAddress) LineEchoServer.listen(running.reactor, 0, "127.0.0.1").getHost())
                    .getPort());
    echoesGoodFramesAndDropsOnlyTheBadPeer(
        port, bytes("hello\r\n\r\nline two\r\n"), bytes("x".repeat(20_000) + "\r\n"));
    List<String> replies =
        running.call(() -> LineClient.converse(running.reactor, "127.0.0.1", port, List.of("a", "b c")));
    assertThat(replies).containsExactly("a", "b c");
  }

  @Test
  void lineOnlyReceiverOverSockets() throws Exception {
    int port =
        listen(
            () ->
                new LineOnlyReceiver() {
                  @Override
                  public void lineReceived(byte[] line) {
                    sendLine(line);
                  }
                });
    echoesGoodFramesAndDropsOnlyTheBadPeer(
        port, bytes("one\r\ntwo\r\nthree\r\n"), bytes("y".repeat(17_000)));
  }

  @Test
  void int32StringReceiverOverSockets() throws Exception {
    int port =
        listen(
            () ->
                new Int32StringReceiver() {
                  @Override
                  public void stringReceived(byte[] s) {
                    sendString(s);
                  }
                });
    echoesGoodFramesAndDropsOnlyTheBadPeer(
        port,
        IntNStringReceiverTest.frames(4, "alpha", "", "gamma delta"),
        IntNStringReceiverTest.prefix(4, 100_000));
  }

  @Test
  void int16StringReceiverOverSockets() throws Exception {
    int port =
        listen(
            () -> {
              Int16StringReceiver r =
                  new Int16StringReceiver() {
                    @Override
                    public void stringReceived(byte[] s) {
                      sendString(s);
                    }
                  };
              r.setMaxLength(64_000);
              return r;
            });
    byte[] big = IntNStringReceiverTest.frames(2, "z".repeat(60_000), "small");
    echoesGoodFramesAndDropsOnlyTheBadPeer(port, big, bytes("\u00ff\u00ffgarbage"));
  }

  @Test
  void int8StringReceiverOverSockets() throws Exception {
    int port =
        listen(
            () -> {
              Int8StringReceiver r =
                  new Int8StringReceiver() {
                    @Override
                    public void stringReceived(byte[] s) {
                      sendString(s);
                    }
                  };
              r.setMaxLength(100);
              return r;
            });
    echoesGoodFramesAndDropsOnlyTheBadPeer(
        port, IntNStringReceiverTest.frames(1, "abc", "defg", "hi"), IntNStringReceiverTest.frames(1, "q".repeat(200)));
  }

  @Test
  void netstringReceiverOverSockets() throws Exception {
    int port =
        listen(
            () ->
                new NetstringReceiver() {
                  @Override
                  public void stringReceived(byte[] s) {
                    sendString(s);
                  }
                });
    echoesGoodFramesAndDropsOnlyTheBadPeer(port, bytes("5:hello,0:,4:1:a,,"), bytes("3:abcd,"));
  }

  @Test
  void chatServerSendsEachLineToEveryOtherClient() throws Exception {
    ChatServer.Room room = new ChatServer.Room();
    int port =
        running.compute(
            () ->
                ((InetSocketAddress) ChatServer.listen(running.reactor, room, 0, "127.0.0.1").getHost())
                    .getPort());
    try (BlockingPeer alice = BlockingPeer.to(port);
        BlockingPeer bob = BlockingPeer.to(port);
        BlockingPeer carol = BlockingPeer.to(port)) {
      // Everyone has joined once the room counts three.
      while (running.compute(room::size) < 3) {
        Thread.onSpinWait();
      }
      alice.write(bytes("hi all\r\n"));
      assertThat(bob.read(8)).isEqualTo(bytes("hi all\r\n"));
      assertThat(carol.read(8)).isEqualTo(bytes("hi all\r\n"));
      bob.write(bytes("hey\r\n"));
      ByteArrayOutputStream aliceGot = new ByteArrayOutputStream();
      aliceGot.writeBytes(alice.read(5));
      assertThat(aliceGot.toString(ISO_8859_1)).isEqualTo("hey\r\n");
      assertThat(carol.read(5)).isEqualTo(bytes("hey\r\n"));
    }
  }
}
