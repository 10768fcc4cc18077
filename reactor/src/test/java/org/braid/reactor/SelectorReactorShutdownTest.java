package org.braid.reactor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.braid.reactor.RunningReactor.await;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.braid.deferred.Deferred;
import org.braid.reactor.internal.Selectable;
import org.braid.reactor.internal.SignalHandlers;
import org.braid.reactor.testing.ReactorAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** I/O dispatch, and how shutdown flushes, closes and aborts ports and connections. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelectorReactorShutdownTest {
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  /** A tracked selectable without a channel, whose shutdown never completes. */
  private static final class Stuck implements Selectable {
    final AtomicReference<Throwable> abortedWith = new AtomicReference<>();

    @Override
    public void selected(SelectionKey key) {}

    @Override
    public Deferred<Void> shutdown() {
      return new Deferred<>();
    }

    @Override
    public void abort(Throwable reason) {
      abortedWith.set(reason);
    }

    @Override
    public String describe() {
      return "stuck connection";
    }
  }

  /** Reads a pipe's source end on a plain thread, after a go signal, until end of stream. */
  private static CompletableFuture<byte[]> drainAfter(Pipe pipe, CountDownLatch go) {
    CompletableFuture<byte[]> received = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = Channels.newInputStream(pipe.source())) {
                await(go);
                received.complete(in.readAllBytes());
              } catch (Throwable t) {
                received.completeExceptionally(t);
              }
            },
            "pipe-reader");
    reader.setDaemon(true);
    reader.start();
    return received;
  }

  private static byte[] pattern(int size) {
    byte[] data = new byte[size];
    for (int i = 0; i < size; i++) {
      data[i] = (byte) (i * 31 + (i >>> 8));
    }
    return data;
  }

  @Test
  void sigtermStopsTheReactorGracefullyAndPendingWritesAreFlushedBeforeClose() throws Exception {
    String before = currentHandler("TERM");
    SelectorReactor reactor = SelectorReactor.builder().installSignalHandlers(true).build();
    CountDownLatch shutdownBegan = new CountDownLatch(1);
    reactor.addSystemEventTrigger(TriggerPhase.BEFORE, "shutdown", shutdownBegan::countDown);
    byte[] data = pattern(4 * 1024 * 1024);
    Pipe pipe = Pipe.open();
    CompletableFuture<byte[]> received = drainAfter(pipe, shutdownBegan);
    try (LogCapture signalLog = LogCapture.of(SignalHandlers.class);
        RunningReactor running = RunningReactor.start(reactor)) {
      PipeWriter writer =
          running.compute(
              () -> {
                PipeWriter w = new PipeWriter(reactor, pipe.sink());
                w.write(data);
                return w;
              });
      assertThat(running.compute(writer::pendingBytes)).isGreaterThan(0);
      assertThat(signalLog.events(Level.WARN)).isEmpty(); // the handler is installed...
      // ...unless this JVM was started with SIGTERM ignored, which the reactor respects.
      Assumptions.assumeTrue(
          signalLog.messages(Level.INFO).stream().noneMatch(m -> m.contains("SIGTERM is ignored")),
          "SIGTERM is ignored by this process");

      Signal.raise(new Signal("TERM"));

      running.join();
      byte[] got = received.get(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(got.length).isEqualTo(data.length);
      assertThat(Arrays.equals(got, data)).isTrue();
      assertThat(writer.abortedWith).isNull();
      ReactorAssertions.assertClean(reactor);
    }
    assertThat(currentHandler("TERM")).isEqualTo(before);
  }

  /**
   * Describes the handler in place. Swaps in a Java handler for a moment, never SIG_IGN: once a
   * signal is ignored at the OS level, the JVM refuses to install Java handlers for it (it takes
   * it for nohup).
   */
  private static String currentHandler(String name) {
    Signal signal = new Signal(name);
    SignalHandler current = Signal.handle(signal, s -> {});
    Signal.handle(signal, current);
    return current.toString(); // sun.misc wraps the same handler in a new object each time
  }

  @Test
  void aConnectionThatDoesNotCloseInTimeIsAbortedWithConnectionLost() throws Exception {
    SelectorReactor reactor =
        SelectorReactor.builder().shutdownTimeout(Duration.ofMillis(100)).build();
    Stuck stuck = new Stuck();
    try (LogCapture log = LogCapture.of(SelectorReactor.class);
        RunningReactor running = RunningReactor.start(reactor)) {
      running.run(() -> reactor.track(stuck));
      running.stopAndJoin();
      assertThat(stuck.abortedWith.get())
          .isInstanceOf(ConnectionLost.class)
          .hasMessageContaining("shut down before this connection finished closing");
      assertThat(reactor.describeOpenPortsAndConnections()).isEmpty();
      assertThat(log.messages(Level.WARN)).anyMatch(m -> m.contains("stuck connection"));
    }
  }

  @Test
  void shutdownWaitsForBeforeTriggersThenClosesConnectionsThenRunsDuringTriggers()
      throws Exception {
    SelectorReactor reactor = new SelectorReactor();
    Pipe pipe = Pipe.open();
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<byte[]> received = drainAfter(pipe, go);
    try (RunningReactor running = RunningReactor.start(reactor)) {
      PipeWriter writer =
          running.compute(
              () -> {
                PipeWriter w = new PipeWriter(reactor, pipe.sink());
                w.write("last words".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                return w;
              });
      reactor.addSystemEventTriggerDeferring(
          TriggerPhase.BEFORE,
          "shutdown",
          () ->
              reactor.deferLater(
                  Duration.ofMillis(10),
                  () -> {
                    events.add("before, writer open: " + !reactor.describeOpenPortsAndConnections().isEmpty());
                    writer.write(" and goodbye".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    go.countDown();
                    return null;
                  }));
      reactor.addSystemEventTrigger(
          TriggerPhase.DURING,
          "shutdown",
          () -> events.add("during, open: " + reactor.describeOpenPortsAndConnections()));
      running.stopAndJoin();
      assertThat(events).containsExactly("before, writer open: true", "during, open: []");
      assertThat(new String(received.get(5, TimeUnit.SECONDS), java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo("last words and goodbye");
    }
  }

  @Test
  void readyChannelsAreDispatchedToTheirSelectableOnTheReactorThread() throws Exception {
    SelectorReactor reactor = new SelectorReactor();
    Pipe pipe = Pipe.open();
    CompletableFuture<String> read = new CompletableFuture<>();
    try (RunningReactor running = RunningReactor.start(reactor)) {
      running.run(
          () -> {
            try {
              pipe.source().configureBlocking(false);
              reactor.register(
                  pipe.source(),
                  SelectionKey.OP_READ,
                  new Selectable() {
                    @Override
                    public void selected(SelectionKey key) {
                      ByteBuffer buffer = ByteBuffer.allocate(64);
                      try {
                        pipe.source().read(buffer);
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                      read.complete(
                          new String(buffer.array(), 0, buffer.position(), java.nio.charset.StandardCharsets.US_ASCII)
                              + " on "
                              + Thread.currentThread().getName());
                      key.cancel();
                    }

                    @Override
                    public Deferred<Void> shutdown() {
                      return Deferred.succeed(null);
                    }

                    @Override
                    public void abort(Throwable reason) {}

                    @Override
                    public String describe() {
                      return "pipe reader";
                    }
                  });
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      pipe.sink().write(ByteBuffer.wrap("ping".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
      assertThat(read.get(RunningReactor.PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
          .isEqualTo("ping on reactor-under-test");
      running.stopAndJoin();
    } finally {
      pipe.sink().close();
      pipe.source().close();
    }
  }

  @Test
  void aSelectableThatThrowsIsLoggedAbortedWithTheExceptionAndTheLoopGoesOn() throws Exception {
    SelectorReactor reactor = new SelectorReactor();
    Pipe pipe = Pipe.open();
    IllegalStateException bug = new IllegalStateException("transport bug");
    AtomicReference<Throwable> abortedWith = new AtomicReference<>();
    CountDownLatch aborted = new CountDownLatch(1);
    try (LogCapture log = LogCapture.of(SelectorReactor.class);
        RunningReactor running = RunningReactor.start(reactor)) {
      running.run(
          () -> {
            try {
              pipe.source().configureBlocking(false);
              Selectable broken =
                  new Selectable() {
                    @Override
                    public void selected(SelectionKey key) {
                      throw bug;
                    }

                    @Override
                    public Deferred<Void> shutdown() {
                      return Deferred.succeed(null);
                    }

                    @Override
                    public void abort(Throwable reason) {
                      abortedWith.set(reason);
                      try {
                        pipe.source().close();
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                      reactor.untrack(this);
                      aborted.countDown();
                    }

                    @Override
                    public String describe() {
                      return "broken reader";
                    }
                  };
              reactor.register(pipe.source(), SelectionKey.OP_READ, broken);
              reactor.track(broken);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
      await(aborted);
      assertThat(abortedWith.get()).isSameAs(bug);
      assertThat(log.messages(Level.ERROR))
          .singleElement()
          .asString()
          .contains("Unhandled exception in I/O handler of broken reader");
      assertThat(running.call(() -> Deferred.succeed("still running"))).isEqualTo("still running");
      running.stopAndJoin();
    } finally {
      pipe.sink().close();
    }
  }

  @Test
  void aSelectableThatCannotEvenAbortIsCutLoose() throws Exception {
    SelectorReactor reactor = new SelectorReactor();
    Pipe pipe = Pipe.open();
    try (LogCapture log = LogCapture.of(SelectorReactor.class);
        RunningReactor running = RunningReactor.start(reactor)) {
      running.run(
          () -> {
            try {
              pipe.source().configureBlocking(false);
              Selectable hopeless =
                  new Selectable() {
                    @Override
                    public void selected(SelectionKey key) {
                      throw new IllegalStateException("read broke");
                    }

                    @Override
                    public Deferred<Void> shutdown() {
                      return Deferred.succeed(null);
                    }

                    @Override
                    public void abort(Throwable reason) {
                      throw new IllegalStateException("abort broke too");
                    }

                    @Override
                    public String describe() {
                      return "hopeless reader";
                    }
                  };
              reactor.register(pipe.source(), SelectionKey.OP_READ, hopeless);
              reactor.track(hopeless);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
      log.await(e -> e.getFormattedMessage().contains("while aborting"), RunningReactor.PATIENCE);
      running.run(() -> {}); // the pass that dispatched it has ended
      assertThat(pipe.source().isOpen()).isFalse();
      assertThat(running.compute(reactor::describeOpenPortsAndConnections)).isEmpty();
      running.stopAndJoin();
    } finally {
      pipe.sink().close();
    }
  }

  @Test
  void theDirtyReactorCheckListsOpenConnections() throws Exception {
    SelectorReactor reactor = new SelectorReactor();
    Stuck stuck = new Stuck();
    reactor.track(stuck);
    reactor.callLater(Duration.ofHours(1), () -> {});
    AssertionError error = null;
    try {
      ReactorAssertions.assertClean(reactor);
    } catch (AssertionError e) {
      error = e;
    }
    assertThat(error)
        .isNotNull()
        .hasMessageContaining("1 pending delayed call:")
        .hasMessageContaining("1 open port or connection:")
        .hasMessageContaining("  stuck connection");
  }
}
