package org.braid.protocols;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.testing.Loopback;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every test runs for the 1-, 2- and 4-byte prefixes (test_basic.py: LPTestCaseMixin). */
@SuppressWarnings("try") // log captures that only keep expected errors off the console
class IntNStringReceiverTest {

  /** Records strings, limit violations and the end of the connection, for any prefix size. */
  static final class Recorder {
    final List<String> strings = new ArrayList<>();
    final List<Long> exceeded = new ArrayList<>();
    Failure lost;
    final IntNStringReceiver protocol;

    Recorder(int prefixLength) {
      protocol =
          switch (prefixLength) {
            case 1 -> new Int8StringReceiver() {
              @Override
              public void stringReceived(byte[] s) {
                strings.add(new String(s, ISO_8859_1));
              }

              @Override
              public void lengthLimitExceeded(long length) {
                exceeded.add(length);
                super.lengthLimitExceeded(length);
              }

              @Override
              public void connectionLost(Failure reason) {
                lost = reason;
              }
            };
            case 2 -> new Int16StringReceiver() {
              @Override
              public void stringReceived(byte[] s) {
                strings.add(new String(s, ISO_8859_1));
              }

              @Override
              public void lengthLimitExceeded(long length) {
                exceeded.add(length);
                super.lengthLimitExceeded(length);
              }

              @Override
              public void connectionLost(Failure reason) {
                lost = reason;
              }
            };
            case 4 -> new Int32StringReceiver() {
              @Override
              public void stringReceived(byte[] s) {
                strings.add(new String(s, ISO_8859_1));
              }

              @Override
              public void lengthLimitExceeded(long length) {
                exceeded.add(length);
                super.lengthLimitExceeded(length);
              }

              @Override
              public void connectionLost(Failure reason) {
                lost = reason;
              }
            };
            default -> throw new IllegalArgumentException("prefix " + prefixLength);
          };
    }

    Recorder connected() {
      protocol.makeConnection(new StringTransport());
      return this;
    }

    StringTransport transport() {
      return (StringTransport) protocol.transport();
    }
  }

  /** Encodes strings with a {@code prefixLength}-byte big-endian prefix. */
  static byte[] frames(int prefixLength, String... strings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String s : strings) {
      out.writeBytes(prefix(prefixLength, s.length()));
      out.writeBytes(s.getBytes(ISO_8859_1));
    }
    return out.toByteArray();
  }

  static byte[] prefix(int prefixLength, long length) {
    byte[] p = new byte[prefixLength];
    for (int i = prefixLength - 1; i >= 0; i--) {
      p[i] = (byte) length;
      length >>>= 8;
    }
    return p;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void stringsArriveIntactWhateverTheChunking(int prefixLength) {
    // test_basic.py: LPTestCaseMixin.test_partial / test_receive
    byte[] input = frames(prefixLength, "hello", "", "a:b,c", "world");
    byte[] withPartial = new byte[input.length + prefixLength + 2];
    System.arraycopy(input, 0, withPartial, 0, input.length);
    System.arraycopy(prefix(prefixLength, 5), 0, withPartial, input.length, prefixLength);
    withPartial[withPartial.length - 2] = 'x';
    withPartial[withPartial.length - 1] = 'y';
    Chunkings.forEach(
        withPartial,
        chunking -> {
          Recorder r = new Recorder(prefixLength).connected();
          chunking.feed(r.protocol);
          assertThat(r.strings)
              .as(chunking.name())
              .containsExactly("hello", "", "a:b,c", "world");
        });
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void sendStringWritesABigEndianPrefixThenTheBody(int prefixLength) {
    // test_basic.py: test_data (Int32 "foo" -> b"\x00\x00\x00\x03foo")
    Recorder r = new Recorder(prefixLength).connected();
    r.protocol.sendString("foo".getBytes(ISO_8859_1));
    assertThat(r.transport().value()).isEqualTo(frames(prefixLength, "foo"));
    assertThat(r.protocol.prefixLength()).isEqualTo(prefixLength);
  }

  @Test
  void sendStringRejectsAStringTooLongForThePrefix() {
    // test_basic.py: test_tooLongSend
    Recorder int8 = new Recorder(1).connected();
    assertThatThrownBy(() -> int8.protocol.sendString(new byte[256]))
        .isInstanceOf(StringTooLongException.class)
        .hasMessageContaining("string length 256 does not fit")
        .hasMessageContaining("1-byte length prefix (at most 255 bytes)");
    Recorder int16 = new Recorder(2).connected();
    assertThatThrownBy(() -> int16.protocol.sendString(new byte[65536]))
        .isInstanceOf(StringTooLongException.class)
        .hasMessageContaining("at most 65535 bytes");
    assertThat(int8.transport().value()).isEmpty();
    int8.protocol.sendString(new byte[255]);
    assertThat(int8.transport().value()).hasSize(256);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void aLengthOverTheLimitFiresTheHookBeforeTheBodyArrives(int prefixLength) {
    // test_basic.py: test_lengthLimitExceeded (prefix 11 with MAX_LENGTH 10 -> called with 11),
    // test_longStringNotDelivered
    try (LogCapture log = LogCapture.of(IntNStringReceiver.class)) {
      Recorder r = new Recorder(prefixLength).connected();
      r.protocol.setMaxLength(10);
      r.protocol.dataReceived(prefix(prefixLength, 11));
      assertThat(r.exceeded).containsExactly(11L);
      assertThat(r.transport().isDisconnecting()).isTrue();
      r.protocol.dataReceived("0123456789A".getBytes(ISO_8859_1));
      assertThat(r.strings).isEmpty();
      assertThat(log.messagesAt(Level.ERROR)).hasSize(1);
      assertThat(log.messagesAt(Level.ERROR).get(0))
          .endsWith(
              "string length 11 exceeds maximum 10; losing the connection to /192.168.1.1:54321");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void oversizedStringFiresTheHookOnceWhateverTheChunking(int prefixLength) {
    try (LogCapture ignored = LogCapture.of(IntNStringReceiver.class)) {
      byte[] input = frames(prefixLength, "ok", "this one is too long", "after");
      Chunkings.forEach(
          input,
          chunking -> {
            Recorder r = new Recorder(prefixLength).connected();
            r.protocol.setMaxLength(10);
            chunking.feed(r.protocol);
            assertThat(r.strings).as(chunking.name()).containsExactly("ok");
            assertThat(r.exceeded).as(chunking.name()).containsExactly(20L);
            assertThat(r.transport().isDisconnecting()).as(chunking.name()).isTrue();
          });
    }
  }

  @Test
  void theLargestInt32LengthIsReportedUnsigned() {
    try (LogCapture ignored = LogCapture.of(IntNStringReceiver.class)) {
      Recorder r = new Recorder(4).connected();
      r.protocol.dataReceived(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      assertThat(r.exceeded).containsExactly(4_294_967_295L);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void garbageBytesAreReadAsLengthsAndAnOverLimitOneLosesTheConnection(int prefixLength) {
    // test_basic.py: LPTestCaseMixin.test_illegal
    try (LogCapture ignored = LogCapture.of(IntNStringReceiver.class)) {
      Recorder r = new Recorder(prefixLength).connected();
      r.protocol.setMaxLength(50);
      r.protocol.dataReceived("\u00ff\u00fe garbage that is not a frame".getBytes(ISO_8859_1));
      assertThat(r.strings).isEmpty();
      assertThat(r.exceeded).hasSize(1);
      assertThat(r.transport().isDisconnecting()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void peerClosingMidStringDeliversTheCompleteStringsOnly(int prefixLength) {
    Recorder server = new Recorder(prefixLength);
    Recorder client = new Recorder(prefixLength);
    Loopback link = Loopback.connect(server.protocol, client.protocol);
    byte[] complete = frames(prefixLength, "whole");
    byte[] partial = frames(prefixLength, "cut short");
    client.protocol.transport().write(complete);
    client.protocol.transport().write(java.util.Arrays.copyOf(partial, partial.length - 3));
    client.protocol.transport().loseConnection();
    link.flush();
    assertThat(server.strings).containsExactly("whole");
    assertThat(server.lost.value()).isInstanceOf(ConnectionDone.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void oversizedStringOnOneConnectionLeavesAnotherOnTheSameFactoryWorking(int prefixLength) {
    try (LogCapture ignored = LogCapture.of(IntNStringReceiver.class)) {
      List<Recorder> built = new ArrayList<>();
      Factory factory =
          Factory.forProtocol(
              () -> {
                Recorder r = new Recorder(prefixLength);
                r.protocol.setMaxLength(8);
                built.add(r);
                return r.protocol;
              });
      factory.buildProtocol(Loopback.CLIENT_ADDRESS);
      factory.buildProtocol(Loopback.CLIENT_ADDRESS);
      Recorder bad = built.get(0);
      Recorder good = built.get(1);
      Recorder badClient = new Recorder(prefixLength);
      Recorder goodClient = new Recorder(prefixLength);
      Loopback badLink = Loopback.connect(bad.protocol, badClient.protocol);
      Loopback goodLink = Loopback.connect(good.protocol, goodClient.protocol);
      badClient.protocol.sendString("far too long".getBytes(ISO_8859_1));
      goodClient.protocol.sendString("fine".getBytes(ISO_8859_1));
      badLink.flush();
      goodLink.flush();
      assertThat(bad.lost.value()).isInstanceOf(ConnectionDone.class);
      assertThat(good.strings).containsExactly("fine");
      assertThat(good.lost).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void whilePausedStringsStayBufferedAndResumeDeliversThem(int prefixLength) {
    // test_basic.py: IntNTestCaseMixin pausing (_PauseableMixin)
    Recorder r = new Recorder(prefixLength).connected();
    r.protocol.pauseProducing();
    r.protocol.dataReceived(frames(prefixLength, "a", "b"));
    assertThat(r.strings).isEmpty();
    assertThat(r.transport().producerState()).isEqualTo(StringTransport.ProducerState.PAUSED);
    r.protocol.resumeProducing();
    assertThat(r.strings).containsExactly("a", "b");
  }

  @Test
  void afterLoseConnectionNoFurtherStringIsDelivered() {
    List<String> got = new ArrayList<>();
    Int16StringReceiver p =
        new Int16StringReceiver() {
          @Override
          public void stringReceived(byte[] s) {
            got.add(new String(s, ISO_8859_1));
            transport().loseConnection();
          }
        };
    p.makeConnection(new StringTransport());
    p.dataReceived(frames(2, "a", "b", "c"));
    assertThat(got).containsExactly("a");
  }

  @Test
  void maxLengthDefaultsToTwistedsAndRejectsNegatives() {
    Recorder r = new Recorder(4);
    assertThat(r.protocol.maxLength()).isEqualTo(99999);
    assertThatThrownBy(() -> r.protocol.setMaxLength(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxLength is negative: -5");
  }
}
