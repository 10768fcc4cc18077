package org.braid.reactor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.braid.deferred.Failure;
import org.braid.reactor.ConnectionDone;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Protocol;
import org.braid.reactor.PushProducer;
import org.braid.reactor.Reactor;
import org.braid.reactor.Transport;
import org.braid.reactor.testing.RecordingClientFactory;
import org.braid.reactor.testing.RecordingProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backpressure on real sockets: push producers paused and resumed by the water marks, pull
 * producers asked for one chunk per drain, and memory bounded against a slow reader.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProducerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int CHUNK = 64 * 1024;

  private LoopFixture loop;

  @BeforeEach
  void startLoop() {
    loop = LoopFixture.start();
  }

  @AfterEach
  void stopLoop() {
    loop.close();
  }

  /** A chunk whose bytes depend on their offset, so a reader can check every byte it gets. */
  private static byte[] chunk() {
    byte[] bytes = new byte[CHUNK];
    for (int i = 0; i < CHUNK; i++) {
      bytes[i] = (byte) (i * 7 + (i >>> 8));
    }
    return bytes;
  }

  /**
   * Writes {@code total} bytes, one chunk at a time, for as long as it is not paused; records the
   * most the transport ever held buffered.
   */
  static final class StreamingWriter extends Protocol implements PushProducer {
    final long total;
    final int lowWater;
    final int highWater;
    final byte[] chunk = chunk();
    final CompletableFuture<Failure> lost = new CompletableFuture<>();
    long sent;
    long maxBuffered;
    int pauses;
    int resumes;
    boolean paused;

    StreamingWriter(long total, int lowWater, int highWater) {
      this.total = total;
      this.lowWater = lowWater;
      this.highWater = highWater;
    }

    @Override
    public void connectionMade() {
      transport().setWriteBufferWaterMarks(lowWater, highWater);
      transport().registerProducer(this, true);
      produce();
    }

    private void produce() {
      while (!paused && sent < total) {
        transport().write(chunk);
        sent += CHUNK;
        maxBuffered = Math.max(maxBuffered, transport().writeBufferSize());
      }
      if (sent == total && !paused) {
        transport().unregisterProducer();
        transport().loseConnection();
      }
    }

    @Override
    public void pauseProducing() {
      paused = true;
      pauses++;
    }

    @Override
    public void resumeProducing() {
      paused = false;
      resumes++;
      produce();
    }

    @Override
    public void stopProducing() {
      paused = true;
    }

    @Override
    public void connectionLost(Failure reason) {
      lost.complete(reason);
    }
  }

  /**
   * Reads slowly: after every {@code burst} bytes it pauses its transport for a few milliseconds
   * (a timer on the loop). Checks every byte against the writer's pattern without keeping them.
   */
  static final class SlowReader extends Protocol {
    final long burst;
    final byte[] expected = chunk();
    final CompletableFuture<Failure> lost = new CompletableFuture<>();
    long received;
    long sinceLastPause;
    long mismatches;
    int pauses;

    SlowReader(long burst) {
      this.burst = burst;
    }

    @Override
    public void dataReceived(byte[] data) {
      for (byte b : data) {
        if (b != expected[(int) (received % CHUNK)]) {
          mismatches++;
        }
        received++;
      }
      sinceLastPause += data.length;
      if (sinceLastPause >= burst) {
        sinceLastPause = 0;
        pauses++;
        transport().pauseProducing();
        Transport t = transport();
        ((LoopReactorHolder) factory()).reactor().callLater(Duration.ofMillis(5), t::resumeProducing);
      }
    }

    @Override
    public void connectionLost(Failure reason) {
      lost.complete(reason);
    }
  }

  /** A client factory that lets its protocols reach the reactor. */
  static final class LoopReactorHolder extends RecordingClientFactory {
    private final Reactor reactor;

    LoopReactorHolder(Reactor reactor, Protocol protocol) {
      super(() -> protocol);
      this.reactor = reactor;
    }

    Reactor reactor() {
      return reactor;
    }
  }

  private void run(StreamingWriter writer, SlowReader reader) {
    ListeningPort port =
        loop.call(() -> loop.reactor().listenTCP(0, Factory.forProtocol(() -> writer), 50, "127.0.0.1"));
    int number = ((InetSocketAddress) port.getHost()).getPort();
    loop.run(
        () ->
            loop.reactor()
                .connectTCP("127.0.0.1", number, new LoopReactorHolder(loop.reactor(), reader), TIMEOUT, null));
    assertThat(LoopFixture.get(reader.lost, "reader connectionLost").value()).isInstanceOf(ConnectionDone.class);
    assertThat(LoopFixture.get(writer.lost, "writer connectionLost").value()).isInstanceOf(ConnectionDone.class);
  }

  @Test
  void writing256MiBToASlowReaderNeverBuffersMoreThanHighWaterPlusOneChunk() {
    long total = 256L * 1024 * 1024;
    StreamingWriter writer =
        new StreamingWriter(total, StreamConnection.DEFAULT_LOW_WATER, StreamConnection.DEFAULT_HIGH_WATER);
    SlowReader reader = new SlowReader(4 * 1024 * 1024);

    run(writer, reader);

    assertThat(reader.received).isEqualTo(total);
    assertThat(reader.mismatches).isZero();
    assertThat(reader.pauses).isGreaterThan(10);
    assertThat(writer.pauses).as("the writer was paused by the high-water mark").isPositive();
    assertThat(writer.resumes).isEqualTo(writer.pauses);
    assertThat(writer.maxBuffered).isLessThanOrEqualTo(StreamConnection.DEFAULT_HIGH_WATER + CHUNK);
  }

  @Test
  void customWaterMarksBoundTheBufferToo() {
    long total = 32L * 1024 * 1024;
    int high = 256 * 1024;
    StreamingWriter writer = new StreamingWriter(total, 32 * 1024, high);
    SlowReader reader = new SlowReader(1024 * 1024);

    run(writer, reader);

    assertThat(reader.received).isEqualTo(total);
    assertThat(reader.mismatches).isZero();
    assertThat(writer.pauses).isPositive();
    assertThat(writer.maxBuffered).isLessThanOrEqualTo(high + CHUNK);
    // With a larger mark the queue does fill past the default one before the writer is paused.
    assertThat(writer.maxBuffered).isGreaterThan(StreamConnection.DEFAULT_HIGH_WATER);
  }

  @Test
  void aPullProducerIsAskedForOneChunkEachTimeWhatItWroteHasDrained() {
    int chunks = 200;
    AtomicInteger resumes = new AtomicInteger();
    AtomicInteger resumedWithDataQueued = new AtomicInteger();
    Protocol writer =
        new Protocol() {
          int written;

          @Override
          public void connectionMade() {
            transport()
                .registerProducer(
                    new PushProducer() {
                      @Override
                      public void resumeProducing() {
                        resumes.incrementAndGet();
                        if (transport().writeBufferSize() > 0) {
                          resumedWithDataQueued.incrementAndGet();
                        }
                        if (written == chunks) {
                          transport().unregisterProducer();
                          transport().loseConnection();
                          return;
                        }
                        transport().write(chunk());
                        written++;
                      }

                      @Override
                      public void pauseProducing() {
                        throw new AssertionError("a pull producer is never paused");
                      }

                      @Override
                      public void stopProducing() {}
                    },
                    false);
          }
        };
    SlowReader reader = new SlowReader(Long.MAX_VALUE);
    ListeningPort port =
        loop.call(() -> loop.reactor().listenTCP(0, Factory.forProtocol(() -> writer), 50, "127.0.0.1"));
    int number = ((InetSocketAddress) port.getHost()).getPort();
    loop.run(
        () ->
            loop.reactor()
                .connectTCP("127.0.0.1", number, new LoopReactorHolder(loop.reactor(), reader), TIMEOUT, null));

    assertThat(LoopFixture.get(reader.lost, "reader connectionLost").value()).isInstanceOf(ConnectionDone.class);
    assertThat(reader.received).isEqualTo((long) chunks * CHUNK);
    assertThat(reader.mismatches).isZero();
    assertThat(resumes).hasValue(chunks + 1);
    assertThat(resumedWithDataQueued).hasValue(0);
  }

  @Test
  void producerRegistrationRules() {
    RecordingProtocol serverSide = new RecordingProtocol();
    ListeningPort port =
        loop.call(() -> loop.reactor().listenTCP(0, Factory.forProtocol(() -> serverSide), 50, "127.0.0.1"));
    int number = ((InetSocketAddress) port.getHost()).getPort();
    RecordingProtocol client = new RecordingProtocol();
    loop.run(
        () ->
            loop.reactor()
                .connectTCP("127.0.0.1", number, new RecordingClientFactory(() -> client), TIMEOUT, null));
    Transport transport = serverSide.awaitMade();
    client.awaitMade();
    CountingProducer first = new CountingProducer();
    CountingProducer second = new CountingProducer();

    loop.run(
        () -> {
          assertThatThrownBy(transport::unregisterProducer)
              .isInstanceOf(IllegalStateException.class)
              .hasMessageStartingWith("no producer is registered on TCP connection");
          transport.registerProducer(first, true);
          assertThatThrownBy(() -> transport.registerProducer(second, true))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("was never unregistered");
          assertThatThrownBy(() -> transport.setWriteBufferWaterMarks(10, 5))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage("water marks need 0 <= lowWater <= highWater; got lowWater 10, highWater 5");
        });
    // The connection ends: the registered producer is stopped.
    loop.run(() -> client.transport().abortConnection());
    serverSide.awaitLost();
    assertThat(loop.call(() -> first.stops)).isEqualTo(1);
    // Registering on a closed connection stops the producer at once.
    loop.run(() -> transport.registerProducer(second, true));
    assertThat(loop.call(() -> second.stops)).isEqualTo(1);
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
