package org.braid.reactor.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.braid.deferred.AlreadyCalledException;
import org.braid.deferred.Deferred;
import org.braid.reactor.AlreadyCancelledException;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.Connector;
import org.braid.reactor.DatagramProtocol;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;
import org.braid.reactor.TriggerId;
import org.braid.reactor.TriggerPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TEST-ONLY select loop for the networking integration tests, written while the real {@code
 * SelectorReactor} is built elsewhere: a selector on its own thread, a queue for {@code
 * callFromThread}, a timer heap for {@code callLater}, and a small thread pool for {@code
 * deferToThread}. Its reactor's networking methods call {@link Tcp}, {@link Unix} and {@link Udp}
 * exactly as the selector reactor will. Lifecycle and system events are not part of it; the
 * fixture ({@link LoopFixture}) starts and stops the thread. Only {@link LoopFixture} uses this
 * class, so switching the tests to the real reactor touches that one file.
 */
final class TestSelectorLoop implements SelectorLoop {
  private static final Logger LOG = LoggerFactory.getLogger(TestSelectorLoop.class);

  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> fromThreads = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          Comparator.comparingLong((Timer t) -> t.due).thenComparingLong(t -> t.sequence));
  private final Set<Selectable> tracked = new LinkedHashSet<>();
  private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "test-loop-pool");
    t.setDaemon(true);
    return t;
  });
  private final long origin = System.nanoTime();
  private final TestReactor reactor = new TestReactor();
  private long sequence;
  private volatile boolean running = true;

  TestSelectorLoop() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    thread = new Thread(this::loop, "test-reactor");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Aborts what is still tracked, ends the loop and waits for its thread (bounded). */
  void stop() throws InterruptedException {
    reactor.callFromThread(
        () -> {
          for (Selectable s : new ArrayList<>(tracked)) {
            s.abort(new IllegalStateException("the test loop stopped"));
          }
          running = false;
        });
    thread.join(10_000);
    pool.shutdownNow();
    try {
      selector.close();
    } catch (IOException e) {
      LOG.debug("closing the test selector failed", e);
    }
  }

  /** Descriptions of what is tracked; call on the loop thread. */
  List<String> trackedDescriptions() {
    List<String> out = new ArrayList<>();
    for (Selectable s : tracked) {
      out.add(s.describe());
    }
    return out;
  }

  @Override
  public Reactor reactor() {
    return reactor;
  }

  @Override
  public SelectionKey register(SelectableChannel channel, int interestOps, Selectable selectable)
      throws IOException {
    checkThread();
    // SelectableChannel.register on an already registered channel updates its interest set and
    // attachment: a connector's channel becomes a connection this way.
    return channel.register(selector, interestOps, selectable);
  }

  @Override
  public void track(Selectable selectable) {
    checkThread();
    tracked.add(selectable);
  }

  @Override
  public void untrack(Selectable selectable) {
    checkThread();
    tracked.remove(selectable);
  }

  private void checkThread() {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException(
          "called from " + Thread.currentThread().getName() + ", not the test-reactor thread");
    }
  }

  private long nanos() {
    return System.nanoTime() - origin;
  }

  private void loop() {
    while (running) {
      Runnable call;
      while ((call = fromThreads.poll()) != null) {
        runGuarded(call);
      }
      runDueTimers();
      if (!running) {
        break;
      }
      try {
        Timer first = timers.peek();
        if (!fromThreads.isEmpty()) {
          selector.selectNow();
        } else if (first == null) {
          selector.select();
        } else {
          long waitNanos = first.due - nanos();
          if (waitNanos <= 0) {
            selector.selectNow();
          } else {
            selector.select(Math.max(1, (waitNanos + 999_999) / 1_000_000));
          }
        }
      } catch (IOException e) {
        LOG.error("select failed", e);
        return;
      }
      for (SelectionKey key : selector.selectedKeys()) {
        Selectable selectable = (Selectable) key.attachment();
        try {
          selectable.selected(key);
        } catch (Throwable t) {
          LOG.error("{} threw from selected; aborting it", selectable.describe(), t);
          selectable.abort(t);
        }
      }
      selector.selectedKeys().clear();
    }
  }

  private void runDueTimers() {
    long now = nanos();
    List<Timer> due = new ArrayList<>();
    while (!timers.isEmpty() && timers.peek().due <= now) {
      due.add(timers.poll());
    }
    for (Timer timer : due) {
      if (timer.isActive()) {
        timer.called = true;
        runGuarded(timer.call);
      }
    }
  }

  private static void runGuarded(Runnable call) {
    try {
      call.run();
    } catch (Throwable t) {
      LOG.error("a call on the test loop threw", t);
    }
  }

  private final class Timer implements DelayedCall {
    long due;
    final long sequence;
    final Runnable call;
    boolean called;
    boolean cancelled;

    Timer(long due, long sequence, Runnable call) {
      this.due = due;
      this.sequence = sequence;
      this.call = call;
    }

    @Override
    public Duration getTime() {
      return Duration.ofNanos(due);
    }

    @Override
    public boolean isActive() {
      return !called && !cancelled;
    }

    @Override
    public void cancel() {
      check();
      cancelled = true;
      timers.remove(this);
    }

    @Override
    public void reset(Duration fromNow) {
      check();
      timers.remove(this);
      due = nanos() + fromNow.toNanos();
      timers.add(this);
    }

    @Override
    public void delay(Duration amount) {
      check();
      timers.remove(this);
      due += amount.toNanos();
      timers.add(this);
    }

    private void check() {
      checkThread();
      if (called) {
        throw new AlreadyCalledException("Tried to cancel an already-called event.");
      }
      if (cancelled) {
        throw new AlreadyCancelledException("Tried to cancel an already-cancelled event.");
      }
    }
  }

  /** The reactor face of the test loop: time, threads and networking; no lifecycle. */
  private final class TestReactor implements Reactor {
    @Override
    public Duration now() {
      return Duration.ofNanos(nanos());
    }

    @Override
    public DelayedCall callLater(Duration delay, Runnable call) {
      checkThread();
      Objects.requireNonNull(call, "call");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("delay must not be negative: " + delay);
      }
      Timer timer = new Timer(nanos() + delay.toNanos(), sequence++, call);
      timers.add(timer);
      return timer;
    }

    @Override
    public List<DelayedCall> getDelayedCalls() {
      checkThread();
      return List.copyOf(timers);
    }

    @Override
    public void callFromThread(Runnable call) {
      fromThreads.add(Objects.requireNonNull(call, "call"));
      selector.wakeup();
    }

    @Override
    public boolean isInReactorThread() {
      return Thread.currentThread() == thread;
    }

    @Override
    public <T> Deferred<T> deferToThread(Callable<? extends T> callable) {
      checkThread();
      Deferred<T> result = new Deferred<>();
      pool.execute(
          () -> {
            T value;
            try {
              value = callable.call();
            } catch (Throwable t) {
              callFromThread(() -> result.errback(t));
              return;
            }
            callFromThread(() -> result.callback(value));
          });
      return result;
    }

    @Override
    public boolean isRunning() {
      return running;
    }

    @Override
    public ListeningPort listenTCP(int port, Factory factory, int backlog, String iface) {
      checkThread();
      return Tcp.listen(TestSelectorLoop.this, port, factory, backlog, iface);
    }

    @Override
    public Connector connectTCP(
        String host,
        int port,
        ClientFactory factory,
        Duration timeout,
        InetSocketAddress bindAddress) {
      checkThread();
      return Tcp.connect(TestSelectorLoop.this, host, port, factory, timeout, bindAddress);
    }

    @Override
    public ListeningPort listenUnix(Path path, Factory factory) {
      checkThread();
      return Unix.listen(TestSelectorLoop.this, path, factory);
    }

    @Override
    public Connector connectUnix(Path path, ClientFactory factory, Duration timeout) {
      checkThread();
      return Unix.connect(TestSelectorLoop.this, path, factory, timeout);
    }

    @Override
    public ListeningPort listenUDP(int port, DatagramProtocol protocol, String iface) {
      checkThread();
      return Udp.listen(TestSelectorLoop.this, port, protocol, iface);
    }

    // The test loop has no lifecycle of its own: LoopFixture starts and stops its thread.

    @Override
    public void run() {
      throw new UnsupportedOperationException("the test loop runs on its own thread");
    }

    @Override
    public void stop() {
      throw new UnsupportedOperationException("stop the test loop through LoopFixture.close()");
    }

    @Override
    public void callWhenRunning(Runnable call) {
      callFromThread(call);
    }

    @Override
    public TriggerId addSystemEventTrigger(TriggerPhase phase, String event, Runnable trigger) {
      throw new UnsupportedOperationException("the test loop has no system events");
    }

    @Override
    public TriggerId addSystemEventTriggerDeferring(
        TriggerPhase phase, String event, Callable<? extends Deferred<?>> trigger) {
      throw new UnsupportedOperationException("the test loop has no system events");
    }

    @Override
    public void removeSystemEventTrigger(TriggerId id) {
      throw new UnsupportedOperationException("the test loop has no system events");
    }

    @Override
    public void fireSystemEvent(String event) {
      throw new UnsupportedOperationException("the test loop has no system events");
    }
  }
}
