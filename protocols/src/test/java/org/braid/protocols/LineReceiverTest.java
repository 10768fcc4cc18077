package org.braid.protocols;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.testing.Loopback;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // log captures that only keep expected errors off the console
class LineReceiverTest {

  /** Records lines, raw data, rejected data and the end of the connection. */
  static class Recorder extends LineReceiver {
    final List<String> lines = new ArrayList<>();
    final List<String> raw = new ArrayList<>();
    final List<String> exceeded = new ArrayList<>();
    Failure lost;

    @Override
    public void lineReceived(byte[] line) {
      lines.add(new String(line, ISO_8859_1));
    }

    @Override
    public void rawDataReceived(byte[] data) {
      raw.add(new String(data, ISO_8859_1));
    }

    @Override
    public void lineLengthExceeded(byte[] data) {
      exceeded.add(new String(data, ISO_8859_1));
      super.lineLengthExceeded(data);
    }

    @Override
    public void connectionLost(Failure reason) {
      lost = reason;
    }
  }

  /**
   * Twisted's LineTester: "len N" switches to raw mode for N bytes, delivered as one line-like
   * record "raw:...", then back to line mode with what follows.
   */
  static final class LengthSwitcher extends Recorder {
    private int remaining;
    private final StringBuilder body = new StringBuilder();

    @Override
    public void lineReceived(byte[] line) {
      String text = new String(line, ISO_8859_1);
      lines.add(text);
      if (text.startsWith("len ")) {
        remaining = Integer.parseInt(text.substring(4));
        body.setLength(0);
        setRawMode();
      }
    }

    @Override
    public void rawDataReceived(byte[] data) {
      int take = Math.min(remaining, data.length);
      body.append(new String(data, 0, take, ISO_8859_1));
      remaining -= take;
      if (remaining == 0) {
        lines.add("raw:" + body);
        setLineMode(Arrays.copyOfRange(data, take, data.length));
      }
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
    // test_basic.py: LineReceiverTests.test_buffer (chunk sizes 1..9)
    Chunkings.forEach(
        "foo\r\nbar\r\n\r\nbaz\r\npartial",
        chunking -> {
          Recorder p = connected(new Recorder());
          chunking.feed(p);
          assertThat(p.lines).as(chunking.name()).containsExactly("foo", "bar", "", "baz");
          assertThat(p.clearLineBuffer()).as(chunking.name()).isEqualTo(bytes("partial"));
        });
  }

  @Test
  void aConfiguredDelimiterSplitsLinesAndCrlfIsThenOrdinaryData() {
    Chunkings.forEach(
        "a\r\nb\nc<END>d<END><E",
        chunking -> {
          Recorder p = connected(new Recorder());
          p.setDelimiter(bytes("<END>"));
          chunking.feed(p);
          assertThat(p.lines).as(chunking.name()).containsExactly("a\r\nb\nc", "d");
        });
  }

  @Test
  void aDelimiterWhosePrefixRepeatsIsFoundAfterAFalseStart() {
    Chunkings.forEach(
        "x\r\r\ny\r\r\r\n",
        chunking -> {
          Recorder p = connected(new Recorder());
          chunking.feed(p);
          assertThat(p.lines).as(chunking.name()).containsExactly("x\r", "y\r\r");
        });
  }

  @Test
  void everyByteValueSurvivesInALine() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    Recorder p = connected(new Recorder());
    p.setDelimiter(new byte[] {0x00, (byte) 0xFF, 0x00});
    byte[] input = Arrays.copyOf(all, 259);
    input[256] = 0x00;
    input[257] = (byte) 0xFF;
    input[258] = 0x00;
    p.dataReceived(input);
    assertThat(p.lines).hasSize(1);
    assertThat(bytes(p.lines.get(0))).isEqualTo(all);
  }

  @Test
  void delimiterChangedInLineReceivedAppliesFromTheNextLine() {
    Recorder p =
        new Recorder() {
          @Override
          public void lineReceived(byte[] line) {
            super.lineReceived(line);
            setDelimiter(bytes("|"));
          }
        };
    connected(p);
    p.dataReceived(bytes("first\r\nsecond|third|"));
    assertThat(p.lines).containsExactly("first", "second", "third");
  }

  @Test
  void lineOfExactlyMaxLengthIsAcceptedEvenWithTheDelimiterInALaterChunk() {
    // test_basic.py: test_maximumLineLengthPartialDelimiter (Twisted #6556)
    Chunkings.forEach(
        "0123456789\r\n",
        chunking -> {
          Recorder p = connected(new Recorder());
          p.setMaxLength(10);
          chunking.feed(p);
          assertThat(p.lines).as(chunking.name()).containsExactly("0123456789");
          assertThat(p.exceeded).as(chunking.name()).isEmpty();
          assertThat(p.transport().isDisconnecting()).as(chunking.name()).isFalse();
        });
  }

  @Test
  void unterminatedFragmentOneByteShortOfMaxPlusDelimiterIsTolerated() {
    // test_basic.py: test_notQuiteMaximumLineLengthUnfinished
    Recorder p = connected(new Recorder());
    p.setMaxLength(10);
    p.dataReceived(bytes("0123456789\r"));
    assertThat(p.exceeded).isEmpty();
    assertThat(p.transport().isDisconnecting()).isFalse();
  }

  @Test
  void unterminatedFragmentOfMaxPlusDelimiterIsRejectedWhole() {
    try (LogCapture log = LogCapture.of(LineReceiver.class)) {
      Recorder p = connected(new Recorder());
      p.setMaxLength(10);
      p.dataReceived(bytes("0123456789xy"));
      assertThat(p.exceeded).containsExactly("0123456789xy");
      assertThat(p.transport().isDisconnecting()).isTrue();
      assertThat(log.messagesAt(Level.ERROR))
          .containsExactly(
              "Recorder: line length at least 12 (no delimiter yet) exceeds maximum 10; losing the"
                  + " connection to /192.168.1.1:54321");
    }
  }

  @Test
  void longLineHandsOverEverythingFromItsStartDelimitersIncluded() {
    // test_basic.py: test_longLineWithDelimiter, test_multipleLongLines (Twisted #3277, #6536)
    try (LogCapture log = LogCapture.of(LineReceiver.class)) {
      Recorder p = connected(new Recorder());
      p.setMaxLength(5);
      p.dataReceived(bytes("ok\r\n0123456\r\nnext\r\n"));
      assertThat(p.lines).containsExactly("ok");
      assertThat(p.exceeded).containsExactly("0123456\r\nnext\r\n");
      assertThat(log.messagesAt(Level.ERROR))
          .containsExactly(
              "Recorder: line length 7 exceeds maximum 5; losing the connection to"
                  + " /192.168.1.1:54321");
    }
  }

  @Test
  void oversizedLineFiresTheHookOnceAndLosesTheConnectionWhateverTheChunking() {
    // test_basic.py: test_maximumLineLength, test_maximumLineLengthRemaining
    try (LogCapture log = LogCapture.of(LineReceiver.class)) {
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
      assertThat(log.messagesAt(Level.ERROR)).allMatch(m -> m.contains("exceeds maximum 10"));
    }
  }

  @Test
  void anOverrideThatKeepsTheConnectionGoesOnReceiving() {
    // test_basic.py: LineReceiverLineLengthExceededTests
    List<String> rejected = new ArrayList<>();
    Recorder p =
        new Recorder() {
          @Override
          public void lineLengthExceeded(byte[] data) {
            rejected.add(new String(data, ISO_8859_1));
          }
        };
    connected(p);
    p.setMaxLength(3);
    p.dataReceived(bytes("toolong\r\n"));
    p.dataReceived(bytes("ok\r\n"));
    assertThat(rejected).containsExactly("toolong\r\n");
    assertThat(p.lines).containsExactly("ok");
  }

  @Test
  void oversizedLineOnOneConnectionLeavesAnotherOnTheSameFactoryWorking() {
    try (LogCapture ignored = LogCapture.of(LineReceiver.class)) {
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

      assertThat(bad.exceeded).hasSize(1);
      assertThat(bad.lost.value()).isInstanceOf(ConnectionDone.class);
      assertThat(badClient.lost).isNotNull();
      assertThat(good.lines).containsExactly("fine");
      assertThat(good.lost).isNull();
      good.sendLine("still here");
      goodLink.flush();
      assertThat(goodClient.lines).containsExactly("still here");
    }
  }

  @Test
  void garbageWithoutDelimiterBelowTheLimitIsBufferedSilently() {
    byte[] garbage = new byte[100];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 37 + 11);
      if (garbage[i] == '\r') {
        garbage[i] = 0;
      }
    }
    Recorder p = connected(new Recorder());
    p.dataReceived(garbage.clone());
    assertThat(p.lines).isEmpty();
    assertThat(p.transport().isDisconnecting()).isFalse();
    assertThat(p.clearLineBuffer()).isEqualTo(garbage);
  }

  @Test
  void peerClosingMidLineDeliversTheCompleteLinesOnly() {
    Recorder server = new Recorder();
    Recorder client = new Recorder();
    Loopback link = Loopback.connect(server, client);
    client.transport().write(bytes("complete\r\npart"));
    client.transport().loseConnection();
    link.flush();
    assertThat(server.lines).containsExactly("complete");
    assertThat(server.lost.value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void rawModeSwitchingMidChunkNeitherLosesNorRepeatsBytes() {
    // test_basic.py: LineReceiverTests.test_buffer with LineTester's "len N" switch
    Chunkings.forEach(
        "one\r\nlen 6\r\nab\r\ncdtwo\r\nlen 0\r\nthree\r\nlen 3\r\nxyz",
        chunking -> {
          LengthSwitcher p = new LengthSwitcher();
          connected(p);
          chunking.feed(p);
          assertThat(p.lines)
              .as(chunking.name())
              .containsExactly(
                  "one", "len 6", "raw:ab\r\ncd", "two", "len 0", "raw:", "three", "len 3",
                  "raw:xyz");
        });
  }

  @Test
  void rawModeHandsTheRestOfTheChunkToRawDataReceived() {
    Recorder p =
        new Recorder() {
          @Override
          public void lineReceived(byte[] line) {
            super.lineReceived(line);
            setRawMode();
          }
        };
    connected(p);
    p.dataReceived(bytes("header\r\nbody\r\nmore"));
    p.dataReceived(bytes("tail"));
    assertThat(p.lines).containsExactly("header");
    assertThat(p.raw).containsExactly("body\r\nmore", "tail");
    assertThat(p.isLineMode()).isFalse();
  }

  @Test
  void flippingModesAfterEveryLineOfAHugeChunkDoesNotGrowTheStack() throws Exception {
    // test_basic.py: test_stackRecursion. Each "x\n" line switches to raw mode; raw mode takes
    // one byte and switches back with the rest. Run on a small stack: one frame per switch
    // would overflow it long before the end.
    int count = 10_000;
    byte[] input = bytes("x\ny".repeat(count));
    int[] lines = new int[1];
    int[] raws = new int[1];
    LineReceiver p =
        new LineReceiver() {
          @Override
          public void lineReceived(byte[] line) {
            lines[0]++;
            setRawMode();
          }

          @Override
          public void rawDataReceived(byte[] data) {
            raws[0]++;
            setLineMode(Arrays.copyOfRange(data, 1, data.length));
          }
        };
    p.setDelimiter(bytes("\n"));
    p.makeConnection(new StringTransport());
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread small = new Thread(null, () -> {
      try {
        p.dataReceived(input);
      } catch (Throwable t) {
        thrown.set(t);
      }
    }, "small-stack", 256 * 1024);
    small.start();
    small.join(60_000);
    assertThat(small.isAlive()).isFalse();
    assertThat(thrown.get()).isNull();
    assertThat(lines[0]).isEqualTo(count);
    assertThat(raws[0]).isEqualTo(count);
  }

  @Test
  void clearLineBufferFromLineReceivedDropsTheRestOfTheChunk() {
    // test_basic.py: test_clearLineBuffer
    List<byte[]> rests = new ArrayList<>();
    Recorder p =
        new Recorder() {
          @Override
          public void lineReceived(byte[] line) {
            super.lineReceived(line);
            rests.add(clearLineBuffer());
          }
        };
    connected(p);
    p.dataReceived(bytes("foo\r\nbar\r\nbaz"));
    assertThat(p.lines).containsExactly("foo");
    assertThat(rests.get(0)).isEqualTo(bytes("bar\r\nbaz"));
    p.dataReceived(bytes("quux\r\n"));
    assertThat(p.lines).containsExactly("foo", "quux");
    assertThat(rests.get(1)).isEmpty();
  }

  @Test
  void whilePausedLinesStayBufferedAndResumeDeliversThem() {
    // test_basic.py: LineReceiverTests.test_pausing, ProducerTests.test_pauseResume
    Recorder p =
        new Recorder() {
          @Override
          public void lineReceived(byte[] line) {
            super.lineReceived(line);
            if (new String(line, ISO_8859_1).equals("pause")) {
              pauseProducing();
            }
          }
        };
    StringTransport transport = new StringTransport();
    p.makeConnection(transport);
    p.dataReceived(bytes("a\r\npause\r\nb\r\n"));
    assertThat(p.lines).containsExactly("a", "pause");
    assertThat(p.isPaused()).isTrue();
    assertThat(transport.producerState()).isEqualTo(StringTransport.ProducerState.PAUSED);

    p.dataReceived(bytes("c\r\n"));
    assertThat(p.lines).containsExactly("a", "pause");

    p.resumeProducing();
    assertThat(p.lines).containsExactly("a", "pause", "b", "c");
    assertThat(transport.producerState()).isEqualTo(StringTransport.ProducerState.PRODUCING);
  }

  @Test
  void whilePausedRawDataStaysBuffered() {
    // test_basic.py: test_rawPausing
    Recorder p = connected(new Recorder());
    p.setRawMode();
    p.pauseProducing();
    p.dataReceived(bytes("raw1"));
    p.dataReceived(bytes("raw2"));
    assertThat(p.raw).isEmpty();
    p.resumeProducing();
    assertThat(p.raw).containsExactly("raw1raw2");
  }

  @Test
  void stopProducingStopsDeliveryAndTheTransport() {
    // test_basic.py: test_stopProducing
    Recorder p = connected(new Recorder());
    p.stopProducing();
    p.dataReceived(bytes("a\r\n"));
    assertThat(p.lines).isEmpty();
    assertThat(((StringTransport) p.transport()).producerState())
        .isEqualTo(StringTransport.ProducerState.STOPPED);
  }

  @Test
  void theReceiverCanBeItsOwnTransportsProducer() {
    // test_basic.py: test_lineReceiverAsProducer
    Recorder p = connected(new Recorder());
    StringTransport transport = (StringTransport) p.transport();
    transport.registerProducer(p, true);
    assertThat(transport.producer()).isSameAs(p);
    p.pauseProducing();
    p.dataReceived(bytes("held\r\n"));
    assertThat(p.lines).isEmpty();
    p.resumeProducing();
    assertThat(p.lines).containsExactly("held");
  }

  @Test
  void afterLoseConnectionNoFurtherLineIsDelivered() {
    Recorder p =
        new Recorder() {
          @Override
          public void lineReceived(byte[] line) {
            super.lineReceived(line);
            if (new String(line, ISO_8859_1).equals("quit")) {
              transport().loseConnection();
            }
          }
        };
    connected(p);
    p.dataReceived(bytes("a\r\nquit\r\nb\r\n"));
    p.dataReceived(bytes("c\r\n"));
    assertThat(p.lines).containsExactly("a", "quit");
  }

  @Test
  void anExceptionFromLineReceivedPropagatesAndLeavesTheReceiverUsable() {
    Recorder p =
        new Recorder() {
          @Override
          public void lineReceived(byte[] line) {
            super.lineReceived(line);
            if (line.length == 0) {
              throw new IllegalStateException("empty line");
            }
          }
        };
    connected(p);
    assertThatThrownBy(() -> p.dataReceived(bytes("a\r\n\r\nb\r\n")))
        .isInstanceOf(IllegalStateException.class);
    p.dataReceived(bytes("c\r\n"));
    assertThat(p.lines).containsExactly("a", "", "b", "c");
  }

  @Test
  void rawDataWithoutAnOverrideIsAnError() {
    // test_basic.py: test_rawDataReceivedNotImplemented
    LineReceiver p =
        new LineReceiver() {
          @Override
          public void lineReceived(byte[] line) {}
        };
    p.makeConnection(new StringTransport());
    p.setRawMode();
    assertThatThrownBy(() -> p.dataReceived(bytes("x")))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("does not override rawDataReceived");
  }

  @Test
  void sendLineAppendsTheDelimiterInOneWrite() {
    Recorder p = connected(new Recorder());
    StringTransport transport = (StringTransport) p.transport();
    p.sendLine(bytes("hello"));
    p.sendLine("grüß");
    p.setDelimiter(bytes("\n"));
    p.sendLine("");
    assertThat(transport.valueString()).isEqualTo("hello\r\ngrüß\r\n\n");
  }

  @Test
  void badSettingsAreRejectedWithTheValue() {
    Recorder p = new Recorder();
    assertThatThrownBy(() -> p.setDelimiter(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delimiter is empty");
    assertThatThrownBy(() -> p.setMaxLength(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLength is negative: -1");
    assertThat(p.maxLength()).isEqualTo(16384);
    assertThat(p.delimiter()).isEqualTo(bytes("\r\n"));
  }
}
