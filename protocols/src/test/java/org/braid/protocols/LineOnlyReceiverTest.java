package org.braid.protocols;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.testing.Loopback;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // log captures that only keep expected errors off the console
class LineOnlyReceiverTest {

  static class Recorder extends LineOnlyReceiver {
    final List<String> lines = new ArrayList<>();
    final List<String> exceeded = new ArrayList<>();
    Failure lost;

    @Override
    public void lineReceived(byte[] line) {
      lines.add(new String(line, ISO_8859_1));
    }

    @Override
    public void lineLengthExceeded(byte[] line) {
      exceeded.add(new String(line, ISO_8859_1));
      super.lineLengthExceeded(line);
    }

    @Override
    public void connectionLost(Failure reason) {
      lost = reason;
    }
  }

  private static Recorder connected(Recorder protocol) {
    protocol.makeConnection(new StringTransport());
    return protocol;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(ISO_8859_1);
  }

  @Test
  void linesArriveWithoutDelimiterWhateverTheChunking() {
    // test_basic.py: LineOnlyReceiverTests.test_buffer
    Chunkings.forEach(
        "foo\r\nbleakness\r\n\r\ndesolation\r\nplastic forks\r\nunfinished",
        chunking -> {
          Recorder p = connected(new Recorder());
          chunking.feed(p);
          assertThat(p.lines)
              .as(chunking.name())
              .containsExactly("foo", "bleakness", "", "desolation", "plastic forks");
        });
  }

  @Test
  void aConfiguredDelimiterSplitsLines() {
    Chunkings.forEach(
        "a\r\nb\0c\0\0",
        chunking -> {
          Recorder p = connected(new Recorder());
          p.setDelimiter(new byte[] {0});
          chunking.feed(p);
          assertThat(p.lines).as(chunking.name()).containsExactly("a\r\nb", "c", "");
        });
  }

  @Test
  void lineOfExactlyMaxLengthIsAcceptedWhateverTheChunking() {
    // Deliberately unlike Twisted #3353: the threshold for an unterminated fragment allows for a
    // delimiter still on its way, so the chunking never decides.
    Chunkings.forEach(
        "0123456789\r\n",
        chunking -> {
          Recorder p = connected(new Recorder());
          p.setMaxLength(10);
          chunking.feed(p);
          assertThat(p.lines).as(chunking.name()).containsExactly("0123456789");
          assertThat(p.exceeded).as(chunking.name()).isEmpty();
        });
  }

  @Test
  void longLineHandsOverThatLineOnlyAndLosesTheConnection() {
    // test_basic.py: LineOnlyReceiverTests.test_lineTooLong (Twisted #6558: the line alone)
    try (LogCapture log = LogCapture.of(LineOnlyReceiver.class)) {
      Recorder p = connected(new Recorder());
      p.setMaxLength(5);
      p.dataReceived(bytes("ok\r\n0123456\r\nnext\r\n"));
      assertThat(p.lines).containsExactly("ok");
      assertThat(p.exceeded).containsExactly("0123456");
      assertThat(p.transport().isDisconnecting()).isTrue();
      assertThat(log.messagesAt(Level.ERROR))
          .containsExactly(
              "Recorder: line length 7 exceeds maximum 5; losing the connection to"
                  + " /192.168.1.1:54321");
    }
  }

  @Test
  void oversizedLineFiresTheHookOnceWhateverTheChunking() {
    try (LogCapture ignored = LogCapture.of(LineOnlyReceiver.class)) {
      Chunkings.forEach(
          "good\r\n0123456789ABC\r\nafter\r\n",
          chunking -> {
            Recorder p = connected(new Recorder());
            p.setMaxLength(10);
            chunking.feed(p);
            assertThat(p.lines).as(chunking.name()).containsExactly("good");
            assertThat(p.exceeded).as(chunking.name()).hasSize(1);
            assertThat(p.exceeded.get(0)).as(chunking.name()).startsWith("0123456789A");
            assertThat(p.transport().isDisconnecting()).as(chunking.name()).isTrue();
          });
    }
  }

  @Test
  void unterminatedFragmentIsRejectedAtMaxPlusDelimiter() {
    try (LogCapture ignored = LogCapture.of(LineOnlyReceiver.class)) {
      Recorder p = connected(new Recorder());
      p.setMaxLength(4);
      p.dataReceived(bytes("01234"));
      assertThat(p.exceeded).isEmpty();
      p.dataReceived(bytes("5"));
      assertThat(p.exceeded).containsExactly("012345");
      assertThat(p.transport().isDisconnecting()).isTrue();
    }
  }

  @Test
  void anOverrideThatKeepsTheConnectionStillGetsTheLaterLines() {
    List<String> rejected = new ArrayList<>();
    Recorder p =
        new Recorder() {
          @Override
          public void lineLengthExceeded(byte[] line) {
            rejected.add(new String(line, ISO_8859_1));
          }
        };
    connected(p);
    p.setMaxLength(3);
    p.dataReceived(bytes("a\r\ntoolong\r\nb\r\n"));
    assertThat(rejected).containsExactly("toolong");
    assertThat(p.lines).containsExactly("a", "b");
  }

  @Test
  void oversizedLineOnOneConnectionLeavesAnotherOnTheSameFactoryWorking() {
    try (LogCapture ignored = LogCapture.of(LineOnlyReceiver.class)) {
      Factory factory =
          Factory.forProtocol(
              () -> {
                Recorder r = new Recorder();
                r.setMaxLength(8);
                return r;
              });
      Recorder bad = (Recorder) factory.buildProtocol(Loopback.CLIENT_ADDRESS);
      Recorder good = (Recorder) factory.buildProtocol(Loopback.CLIENT_ADDRESS);
      Recorder badClient = new Recorder();
      Recorder goodClient = new Recorder();
      Loopback badLink = Loopback.connect(bad, badClient);
      Loopback goodLink = Loopback.connect(good, goodClient);
      badClient.sendLine("way too long for eight");
      goodClient.sendLine("fine");
      badLink.flush();
      goodLink.flush();
      assertThat(bad.lost.value()).isInstanceOf(ConnectionDone.class);
      assertThat(good.lines).containsExactly("fine");
      assertThat(good.lost).isNull();
    }
  }

  @Test
  void afterLoseConnectionNoFurtherLineIsDelivered() {
    // test_basic.py: LineOnlyReceiverTests (transport.disconnecting stops delivery)
    Recorder p =
        new Recorder() {
          @Override
          public void lineReceived(byte[] line) {
            super.lineReceived(line);
            transport().loseConnection();
          }
        };
    connected(p);
    p.dataReceived(bytes("a\r\nb\r\nc\r\n"));
    assertThat(p.lines).containsExactly("a");
  }

  @Test
  void garbageBytesWithoutDelimiterAreBufferedUntilTheLimit() {
    try (LogCapture ignored = LogCapture.of(LineOnlyReceiver.class)) {
      Recorder p = connected(new Recorder());
      p.setMaxLength(64);
      byte[] garbage = new byte[65];
      for (int i = 0; i < garbage.length; i++) {
        garbage[i] = (byte) (0x80 + i);
      }
      p.dataReceived(garbage);
      assertThat(p.lines).isEmpty();
      assertThat(p.exceeded).isEmpty();
      p.dataReceived(new byte[] {(byte) 0xFE});
      assertThat(p.exceeded).hasSize(1);
      assertThat(p.exceeded.get(0)).hasSize(66);
    }
  }

  @Test
  void peerClosingMidLineDeliversTheCompleteLinesOnly() {
    Recorder server = new Recorder();
    Recorder client = new Recorder();
    Loopback link = Loopback.connect(server, client);
    link.setMaxChunkSize(1);
    client.transport().write(bytes("complete\r\npart"));
    client.transport().loseConnection();
    link.flush();
    assertThat(server.lines).containsExactly("complete");
    assertThat(server.lost.value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void sendLineWritesLineAndDelimiter() {
    Recorder p = connected(new Recorder());
    p.sendLine("a");
    p.sendLine(bytes("b"));
    assertThat(((StringTransport) p.transport()).valueString()).isEqualTo("a\r\nb\r\n");
  }
}
