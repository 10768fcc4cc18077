package org.braid.reactor.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.braid.reactor.ConnectionAborted;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.ConnectionLost;
import org.braid.reactor.Protocol;
import org.braid.reactor.PushProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The in-memory loopback: deterministic delivery, closing, half-close and producers. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class LoopbackTest {

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void bytesMoveOnlyWhenPumped() {
    Echo server = new Echo();
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);
    assertThat(server.made).isDone();
    assertThat(client.made).isDone();

    client.transport().write(bytes("ping"));
    assertThat(server.received()).isEmpty();
    assertThat(client.transport().writeBufferSize()).isEqualTo(4);

    assertThat(loopback.pump()).isTrue();
    assertThat(server.receivedString()).isEqualTo("ping");
    assertThat(client.received()).as("the echo waits for the next round").isEmpty();
    loopback.flush();
    assertThat(client.receivedString()).isEqualTo("ping");
    assertThat(loopback.pump()).as("quiet").isFalse();
  }

  @Test
  void addressesMirrorEachOther() {
    RecordingProtocol server = new RecordingProtocol();
    RecordingProtocol client = new RecordingProtocol();
    Loopback.connect(server, client);

    assertThat(client.transport().getPeer()).isEqualTo(server.transport().getHost()).isEqualTo(Loopback.SERVER_ADDRESS);
    assertThat(server.transport().getPeer()).isEqualTo(client.transport().getHost()).isEqualTo(Loopback.CLIENT_ADDRESS);
  }

  @Test
  void chunkSizeOneFeedsTheReceiverOneByteAtATime() {
    List<Integer> sizes = new ArrayList<>();
    RecordingProtocol server =
        new RecordingProtocol() {
          @Override
          public void dataReceived(byte[] data) {
            sizes.add(data.length);
            super.dataReceived(data);
          }
        };
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);
    loopback.setMaxChunkSize(1);

    client.transport().write(bytes("abc"));
    loopback.flush();

    assertThat(sizes).containsExactly(1, 1, 1);
    assertThat(server.receivedString()).isEqualTo("abc");
  }

  @Test
  void chunksCutAcrossSeveralWritesKeepEveryByteInOrder() {
    List<String> chunks = new ArrayList<>();
    RecordingProtocol server =
        new RecordingProtocol() {
          @Override
          public void dataReceived(byte[] data) {
            chunks.add(new String(data, java.nio.charset.StandardCharsets.US_ASCII));
            super.dataReceived(data);
          }
        };
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);
    loopback.setMaxChunkSize(3);

    client.transport().write(bytes("ab"));
    client.transport().write(bytes("cdefg"));
    client.transport().write(bytes("h"));
    loopback.flush();

    assertThat(chunks).containsExactly("abc", "def", "gh");
  }

  @Test
  void aLargeWriteInOneByteChunksArrivesWhole() {
    // One byte at a time through a 256 KiB write: each chunk takes from an offset into the
    // written array (copying the rest each time made this quadratic: minutes for 1 MiB).
    RecordingProtocol server = new RecordingProtocol();
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);
    loopback.setMaxChunkSize(1);
    byte[] data = new byte[256 * 1024];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }

    client.transport().write(data);
    loopback.flush();

    assertThat(server.received()).isEqualTo(data);
  }

  @Test
  void loseConnectionDeliversEverythingThenBothSidesCloseCleanly() {
    RecordingProtocol server = new RecordingProtocol();
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);

    server.transport().write(bytes("goodbye"));
    server.transport().loseConnection();
    server.transport().write(bytes("ignored"));
    assertThat(server.lost).as("never inside the protocol's own call").isNotDone();
    loopback.flush();

    assertThat(client.receivedString()).isEqualTo("goodbye");
    assertThat(server.lost.join().value()).isInstanceOf(ConnectionDone.class);
    assertThat(client.readLost).isDone();
    assertThat(client.lost.join().value()).isInstanceOf(ConnectionDone.class);
    assertThat(server.lostCalls).hasValue(1);
    assertThat(client.lostCalls).hasValue(1);
  }

  @Test
  void abortGivesConnectionAbortedHereAndConnectionLostThere() {
    RecordingProtocol server = new RecordingProtocol();
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);

    client.transport().write(bytes("dropped"));
    client.transport().abortConnection();
    loopback.flush();

    assertThat(client.lost.join().value()).isExactlyInstanceOf(ConnectionAborted.class);
    assertThat(server.lost.join().value()).isExactlyInstanceOf(ConnectionLost.class);
    assertThat(server.received()).isEmpty();
  }

  @Test
  void halfCloseLetsThePeerAnswerBeforeClosing() {
    RecordingProtocol server =
        new RecordingProtocol(false) {
          @Override
          public void readConnectionLost() {
            super.readConnectionLost();
            transport().write(bytes("answer to " + receivedString()));
            transport().loseConnection();
          }
        };
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);

    client.transport().write(bytes("question"));
    client.transport().loseWriteConnection();
    loopback.flush();

    assertThat(client.writeLost).isDone();
    assertThat(server.readLost).isDone();
    assertThat(client.receivedString()).isEqualTo("answer to question");
    assertThat(client.lost.join().value()).isInstanceOf(ConnectionDone.class);
    assertThat(server.lost.join().value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void pausingTheReceiverHoldsBytesAndPausesTheSendersProducer() {
    RecordingProtocol server = new RecordingProtocol();
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);
    CountingProducer producer = new CountingProducer();
    client.transport().setWriteBufferWaterMarks(4, 8);
    client.transport().registerProducer(producer, true);
    server.transport().pauseProducing();

    client.transport().write(bytes("12345"));
    client.transport().write(bytes("6789"));
    loopback.flush();

    assertThat(server.received()).isEmpty();
    assertThat(producer.pauses).as("9 undelivered bytes > high water 8").isEqualTo(1);
    server.transport().resumeProducing();
    loopback.flush();
    assertThat(server.receivedString()).isEqualTo("123456789");
    assertThat(producer.resumes).isEqualTo(1);
  }

  @Test
  void aPullProducerIsAskedForMoreEachTimeItsBytesWereDelivered() {
    RecordingProtocol server = new RecordingProtocol();
    Protocol client = new Protocol() {};
    Loopback loopback = Loopback.connect(server, client);
    int[] chunks = {0};
    client
        .transport()
        .registerProducer(
            new PushProducer() {
              @Override
              public void resumeProducing() {
                if (chunks[0] == 3) {
                  client.transport().unregisterProducer();
                  client.transport().loseConnection();
                } else {
                  client.transport().write(bytes("chunk" + chunks[0]++ + ";"));
                }
              }

              @Override
              public void pauseProducing() {}

              @Override
              public void stopProducing() {}
            },
            false);

    loopback.flush();

    assertThat(server.receivedString()).isEqualTo("chunk0;chunk1;chunk2;");
    assertThat(server.lost.join().value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void theRegisteredProducerIsStoppedWhenTheConnectionCloses() {
    RecordingProtocol server = new RecordingProtocol();
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);
    CountingProducer producer = new CountingProducer();
    server.transport().registerProducer(producer, true);

    client.transport().loseConnection();
    loopback.flush();

    assertThat(producer.stops).isEqualTo(1);
    server.transport().registerProducer(producer, true);
    assertThat(producer.stops).as("registering on a closed transport stops at once").isEqualTo(2);
  }

  @Test
  void protocolsThatNeverGoQuietAreReported() {
    Echo server = new Echo();
    Echo client = new Echo();
    Loopback loopback = Loopback.connect(server, client);
    client.transport().write(bytes("forever"));

    assertThatThrownBy(loopback::flush)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("the loopback is still busy after 100000 rounds");
  }

  @Test
  void exceptionsFromProtocolsReachTheTest() {
    RecordingProtocol server =
        new RecordingProtocol() {
          @Override
          public void dataReceived(byte[] data) {
            throw new IllegalStateException("parser bug");
          }
        };
    RecordingProtocol client = new RecordingProtocol();
    Loopback loopback = Loopback.connect(server, client);
    client.transport().write(bytes("x"));

    assertThatThrownBy(loopback::pump).hasMessage("parser bug");
  }

  static final class CountingProducer implements PushProducer {
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
