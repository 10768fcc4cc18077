package org.braid.protocols;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.util.ArrayList;
import java.util.List;
import org.braid.deferred.Failure;
import org.braid.protocols.NetstringParseException.Problem;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.testing.Loopback;
import org.braid.reactor.testing.StringTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@SuppressWarnings("try") // log captures that only keep expected errors off the console
class NetstringReceiverTest {

  static class Recorder extends NetstringReceiver {
    final List<String> strings = new ArrayList<>();
    final List<NetstringParseException> errors = new ArrayList<>();
    Failure lost;

    @Override
    public void stringReceived(byte[] string) {
      strings.add(new String(string, ISO_8859_1));
    }

    @Override
    public void invalidNetstringReceived(NetstringParseException reason) {
      errors.add(reason);
      super.invalidNetstringReceived(reason);
    }

    @Override
    public void connectionLost(Failure reason) {
      lost = reason;
    }
  }

  private static Recorder connected() {
    Recorder r = new Recorder();
    r.makeConnection(new StringTransport());
    return r;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(ISO_8859_1);
  }

  @Test
  void netstringsArriveIntactWhateverTheChunking() {
    // test_basic.py: test_receiveNetstringPortions_1/2/3, test_receiveTwoNetstrings,
    // test_receiveNestedNetstring, test_receiveEmptyNetstring
    Chunkings.forEach(
        "5:hello,0:,4:1:a,,12:hello world!,3:ab",
        chunking -> {
          Recorder r = connected();
          chunking.feed(r);
          assertThat(r.strings)
              .as(chunking.name())
              .containsExactly("hello", "", "1:a,", "hello world!");
          assertThat(r.errors).as(chunking.name()).isEmpty();
          assertThat(r.transport().isDisconnecting()).as(chunking.name()).isFalse();
        });
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // test_missingNumber, test_missingNumberAndColon, test_onlyData
        ":aaa,|MISSING_LENGTH|netstring does not start with a length: byte 0x3a (':') where a digit was expected",
        "aaa,|MISSING_LENGTH|netstring does not start with a length: byte 0x61 ('a') where a digit was expected",
        // test_missingColon
        "3aaa,|MISSING_COLON|netstring length 3 is followed by byte 0x61 ('a') instead of ':'",
        // "007:" matches neither 0 nor [1-9][0-9]* in Twisted
        "007:abcdefg,|LEADING_ZERO|netstring length has a leading zero: '0' then '0'",
        "01:a,|LEADING_ZERO|netstring length has a leading zero: '0' then '1'",
        // test_moreDataThanSpecified, test_moreDataThanSpecifiedBorderCase
        "2:aaa,|MISSING_COMMA|netstring of length 2 is followed by byte 0x61 ('a') instead of ','",
        "0:a,|MISSING_COMMA|netstring of length 0 is followed by byte 0x61 ('a') instead of ','",
        "4:abcde|MISSING_COMMA|netstring of length 4 is followed by byte 0x65 ('e') instead of ','",
        // test_maxReceiveLimit: the length is refused as soon as it exceeds the maximum
        "9999999999999999999999|TOO_LONG|netstring length of at least 999999 exceeds maximum 99999",
      })
  void eachMalformationIsAClearErrorAndALostConnectionWhateverTheChunking(
      String input, Problem problem, String message) {
    try (LogCapture log = LogCapture.of(NetstringReceiver.class)) {
      Chunkings.forEach(
          "3:abc," + input + "3:xyz,",
          chunking -> {
            Recorder r = connected();
            chunking.feed(r);
            assertThat(r.strings).as(chunking.name()).containsExactly("abc");
            assertThat(r.errors).as(chunking.name()).hasSize(1);
            assertThat(r.errors.get(0).problem()).as(chunking.name()).isEqualTo(problem);
            assertThat(r.errors.get(0)).as(chunking.name()).hasMessage(message);
            assertThat(r.isBrokenPeer()).as(chunking.name()).isTrue();
            assertThat(r.transport().isDisconnecting()).as(chunking.name()).isTrue();
          });
      assertThat(log.messagesAt(Level.ERROR))
          .allMatch(
              m -> m.equals("Recorder: " + message + "; losing the connection to /192.168.1.1:54321"));
    }
  }

  @Test
  void aLengthEqualToTheMaximumIsAcceptedAndOneMoreIsNot() {
    // test_basic.py: test_consumeLengthBorderCase1/2/3 ("12:" with MAX_LENGTH 12 and 11)
    Recorder ok = connected();
    ok.setMaxLength(12);
    ok.dataReceived(bytes("12:hello world!,"));
    assertThat(ok.strings).containsExactly("hello world!");

    try (LogCapture ignored = LogCapture.of(NetstringReceiver.class)) {
      Recorder tooLong = connected();
      tooLong.setMaxLength(11);
      tooLong.dataReceived(bytes("12"));
      assertThat(tooLong.errors).hasSize(1);
      assertThat(tooLong.errors.get(0))
          .hasMessage("netstring length of at least 12 exceeds maximum 11");
    }
  }

  @Test
  void inputAfterABrokenPeerIsIgnored() {
    try (LogCapture ignored = LogCapture.of(NetstringReceiver.class)) {
      Recorder r =
          new Recorder() {
            @Override
            public void invalidNetstringReceived(NetstringParseException reason) {
              errors.add(reason); // keep the connection, to see that input is ignored anyway
            }
          };
      r.makeConnection(new StringTransport());
      r.dataReceived(bytes("x"));
      r.dataReceived(bytes("3:abc,"));
      assertThat(r.errors).hasSize(1);
      assertThat(r.strings).isEmpty();
    }
  }

  @Test
  void peerClosingMidNetstringDeliversTheCompleteOnesOnly() {
    Recorder server = new Recorder();
    Recorder client = new Recorder();
    Loopback link = Loopback.connect(server, client);
    client.transport().write(bytes("5:whole,9:cut sh"));
    client.transport().loseConnection();
    link.flush();
    assertThat(server.strings).containsExactly("whole");
    assertThat(server.errors).isEmpty();
    assertThat(server.lost.value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void oversizedNetstringOnOneConnectionLeavesAnotherOnTheSameFactoryWorking() {
    try (LogCapture ignored = LogCapture.of(NetstringReceiver.class)) {
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
      badClient.sendString(bytes("far too long"));
      goodClient.sendString(bytes("fine"));
      badLink.flush();
      goodLink.flush();
      assertThat(bad.errors).extracting(NetstringParseException::problem).containsExactly(Problem.TOO_LONG);
      assertThat(bad.lost.value()).isInstanceOf(ConnectionDone.class);
      assertThat(good.strings).containsExactly("fine");
      assertThat(good.lost).isNull();
    }
  }

  @Test
  void afterLoseConnectionNoFurtherNetstringIsDelivered() {
    Recorder r =
        new Recorder() {
          @Override
          public void stringReceived(byte[] string) {
            super.stringReceived(string);
            transport().loseConnection();
          }
        };
    r.makeConnection(new StringTransport());
    r.dataReceived(bytes("1:a,1:b,"));
    assertThat(r.strings).containsExactly("a");
  }

  @Test
  void sendStringWritesLengthColonPayloadComma() {
    // test_basic.py: NetstringReceiverTests.test_sendString
    Recorder r = connected();
    r.sendString(bytes("hello"));
    r.sendString(new byte[0]);
    assertThat(((StringTransport) r.transport()).valueString()).isEqualTo("5:hello,0:,");
  }

  @Test
  void everyByteValueSurvivesInAPayload() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    Recorder sender = connected();
    sender.sendString(all);
    List<byte[]> got = new ArrayList<>();
    NetstringReceiver receiver =
        new NetstringReceiver() {
          @Override
          public void stringReceived(byte[] string) {
            got.add(string);
          }
        };
    receiver.makeConnection(new StringTransport());
    receiver.dataReceived(((StringTransport) sender.transport()).value());
    assertThat(got).containsExactly(all);
  }
}
