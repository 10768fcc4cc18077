package org.braid.reactor.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.braid.reactor.ConnectionAborted;
import org.braid.reactor.ConnectionDone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The recording transport (Twisted's {@code test_stringtransport.py}). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class StringTransportTest {

  @Test
  void recordsWritesInOrderUntilCleared() {
    StringTransport transport = new StringTransport();
    transport.write("a".getBytes(UTF_8));
    transport.writeSequence(List.of("b".getBytes(UTF_8), "c".getBytes(UTF_8)));
    ByteBuffer buffer = ByteBuffer.wrap("d".getBytes(UTF_8));
    transport.write(buffer);

    assertThat(transport.valueString()).isEqualTo("abcd");
    assertThat(buffer.hasRemaining()).isFalse();
    transport.clear();
    assertThat(transport.value()).isEmpty();
  }

  @Test
  void defaultAddressesAreTwistedsAndConfigurable() {
    // test_stringtransport.py: test_defaultAddress / test_specifiedAddress
    StringTransport transport = new StringTransport();
    assertThat(transport.getHost()).isEqualTo(new InetSocketAddress("10.0.0.1", 12345));
    assertThat(transport.getPeer()).isEqualTo(new InetSocketAddress("192.168.1.1", 54321));

    InetSocketAddress host = new InetSocketAddress("127.0.0.1", 1);
    InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 2);
    StringTransport configured = new StringTransport(host, peer);
    assertThat(configured.getHost()).isEqualTo(host);
    assertThat(configured.getPeer()).isEqualTo(peer);
  }

  @Test
  void loseConnectionOnlySetsDisconnectingAndLaterWritesAreIgnored() {
    RecordingProtocol protocol = new RecordingProtocol();
    StringTransport transport = new StringTransport();
    protocol.makeConnection(transport);

    transport.loseConnection();
    transport.write("late".getBytes(UTF_8));

    assertThat(transport.isDisconnecting()).isTrue();
    assertThat(transport.isDisconnected()).isFalse();
    assertThat(protocol.lost).isNotDone();
    assertThat(transport.value()).isEmpty();
  }

  @Test
  void abortConnectionSetsDisconnected() {
    StringTransport transport = new StringTransport();
    transport.abortConnection();

    assertThat(transport.isDisconnecting()).isTrue();
    assertThat(transport.isDisconnected()).isTrue();
  }

  @Test
  void withDisconnectionLoseConnectionDeliversConnectionLostOnce() {
    RecordingProtocol protocol = new RecordingProtocol();
    StringTransport transport = StringTransport.withDisconnection(protocol);
    protocol.makeConnection(transport);
    ProducerTestDouble producer = new ProducerTestDouble();
    transport.registerProducer(producer, true);

    transport.loseConnection();
    transport.loseConnection();
    transport.abortConnection();

    assertThat(protocol.lostCalls).hasValue(1);
    assertThat(protocol.lost.join().value()).isInstanceOf(ConnectionDone.class).hasMessage("Bye.");
    assertThat(producer.stops).isEqualTo(1);
    assertThat(transport.producer()).isNull();
    assertThat(transport.isDisconnected()).isTrue();
  }

  @Test
  void withDisconnectionAbortDeliversConnectionAborted() {
    RecordingProtocol protocol = new RecordingProtocol();
    StringTransport transport = StringTransport.withDisconnection(protocol);
    protocol.makeConnection(transport);

    transport.abortConnection();

    assertThat(protocol.lost.join().value()).isExactlyInstanceOf(ConnectionAborted.class);
  }

  @Test
  void producerRegistrationRules() {
    // test_stringtransport.py: test_registerProducer, test_disallowedRegisterProducer,
    // test_unregisterProducer
    StringTransport transport = new StringTransport();
    ProducerTestDouble first = new ProducerTestDouble();

    assertThatThrownBy(transport::unregisterProducer)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot unregister a producer unless one is registered");
    transport.registerProducer(first, true);
    assertThat(transport.producer()).isSameAs(first);
    assertThat(transport.isStreaming()).isTrue();
    assertThatThrownBy(() -> transport.registerProducer(new ProducerTestDouble(), false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot register two producers");
    transport.unregisterProducer();
    assertThat(transport.producer()).isNull();
    assertThat(first.pauses + first.resumes + first.stops).as("the transport never calls it").isZero();
  }

  @Test
  void producerStateFollowsPauseResumeStop() {
    // test_stringtransport.py: test_pauseProducing, test_resumeProducing, test_stopProducing
    StringTransport transport = new StringTransport();
    assertThat(transport.producerState()).isEqualTo(StringTransport.ProducerState.PRODUCING);
    transport.pauseProducing();
    assertThat(transport.producerState()).isEqualTo(StringTransport.ProducerState.PAUSED);
    transport.resumeProducing();
    assertThat(transport.producerState()).isEqualTo(StringTransport.ProducerState.PRODUCING);
    transport.stopProducing();
    assertThat(transport.producerState()).isEqualTo(StringTransport.ProducerState.STOPPED);
  }

  @Test
  void pausingOrResumingAfterLoseConnectionThrowsUnlessLenient() {
    // test_stringtransport.py: test_pauseProducingAfterLoseConnection (lenient variant too)
    StringTransport strict = new StringTransport();
    strict.loseConnection();
    assertThatThrownBy(strict::pauseProducing)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot call pauseProducing after loseConnection");
    assertThatThrownBy(strict::resumeProducing).isInstanceOf(IllegalStateException.class);

    StringTransport lenient = new StringTransport();
    lenient.setLenient(true);
    lenient.loseConnection();
    lenient.pauseProducing();
    assertThat(lenient.producerState()).isEqualTo(StringTransport.ProducerState.PAUSED);
  }

  @Test
  void optionsAndWaterMarksAreRecorded() {
    StringTransport transport = new StringTransport();
    transport.setTcpNoDelay(true);
    transport.setTcpKeepAlive(true);
    transport.setWriteBufferWaterMarks(1, 2);

    assertThat(transport.getTcpNoDelay()).isTrue();
    assertThat(transport.getTcpKeepAlive()).isTrue();
    assertThat(transport.lowWater()).isEqualTo(1);
    assertThat(transport.highWater()).isEqualTo(2);
    assertThat(transport.writeBufferSize()).isZero();
    assertThatThrownBy(() -> transport.setWriteBufferWaterMarks(-1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("water marks need 0 <= lowWater <= highWater; got lowWater -1, highWater 2");
  }

  @Test
  void loseWriteConnectionIsRecordedAndStopsWrites() {
    StringTransport transport = new StringTransport();
    transport.write("x".getBytes(UTF_8));
    transport.loseWriteConnection();
    transport.write("y".getBytes(UTF_8));

    assertThat(transport.isWriteDisconnected()).isTrue();
    assertThat(transport.isDisconnecting()).isFalse();
    assertThat(transport.valueString()).isEqualTo("x");
  }

  /** Counts calls. */
  static final class ProducerTestDouble implements org.braid.reactor.PushProducer {
    int pauses;
    int resumes;
    int stops;

    @Override
    public void pauseProducing() {
      pauses++;
    }

    @Override
    public void resumeProducing() {
      resumes++;
    }

    @Override
    public void stopProducing() {
      stops++;
    }
  }
}
