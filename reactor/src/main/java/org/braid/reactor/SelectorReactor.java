package org.braid.reactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.braid.deferred.Deferred;
import org.braid.reactor.internal.BoundedWait;
import org.braid.reactor.internal.CallbackGuard;
import org.braid.reactor.internal.ReactorTimers;
import org.braid.reactor.internal.RejectableCall;
import org.braid.reactor.internal.Selectable;
import org.braid.reactor.internal.SelectorLoop;
import org.braid.reactor.internal.SignalHandlers;
import org.braid.reactor.internal.SlowCallbackWatchdog;
import org.braid.reactor.internal.SystemEvents;
import org.braid.reactor.internal.Tcp;
import org.braid.reactor.internal.ThreadCallQueue;
import org.braid.reactor.internal.Udp;
import org.braid.reactor.internal.Unix;
import org.braid.reactor.internal.WorkerPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real reactor: one thread, the one that calls {@link #run()}, runs a {@link Selector} loop
 * that owns every socket and timer (Twisted's {@code SelectReactor}/{@code EPollReactor}).
 *
 * <pre>{@code
 * SelectorReactor reactor = SelectorReactor.builder().installSignalHandlers(true).build();
 * reactor.callWhenRunning(() -> reactor.listenTCP(8000, Factory.forProtocol(Echo::new), 50, ""));
 * reactor.run(); // until stop(), SIGINT or SIGTERM
 * }</pre>
 *
 * <h2>One pass of the loop</h2>
 * <ol>
 *   <li>the {@link #callFromThread} calls queued when the pass began, in order;
 *   <li>the timers due when this step began, by due time then scheduling order; calls scheduled
 *       meanwhile, even with a zero delay, wait for the next pass;
 *   <li>if {@link #stop()} was called, the "shutdown" event fires;
 *   <li>select, sleeping until the next timer is due (not at all when thread calls are queued), and
 *       dispatch each ready channel to its port or connection.
 * </ol>
 * Each callback runs alone: what it throws is logged with its context and the loop goes on.
 *
 * <h2>Shutdown</h2>
 * {@link #stop()} only asks. At the end of the pass the BEFORE "shutdown" triggers run; the reactor
 * waits for the Deferreds they return (at most {@link Builder#shutdownTimeout}); then every open
 * port and connection is asked to flush its writes and close, and is waited for (with the same
 * bound; stragglers are aborted with {@link ConnectionLost}); then the thread pool stops taking
 * work, the DURING and AFTER triggers run, the pool's threads are joined (with the same bound), and
 * {@link #run()} returns. The loop keeps running timers, thread
 * calls and I/O while it waits. A reactor does not restart.
 *
 * <p>Threads: {@link #callFromThread}, {@link #isInReactorThread()}, {@link #isRunning()} and
 * {@link #run()} from any thread; everything else on the reactor thread (before {@link #run()},
 * on the thread that will call it).
 */
// SelectorLoop (and the Selectable in its methods) is the seam to the transports in the
// non-exported internal package; users of the exported API only see Reactor.
@SuppressWarnings("exports")
public final class SelectorReactor implements Reactor, SelectorLoop {
  private static final Logger LOG = LoggerFactory.getLogger(SelectorReactor.class);

  private static final String STARTUP = "startup";
  private static final String SHUTDOWN = "shutdown";

  /**
   * The reactor's life. The transitions, and no others:
   *
   * <pre>
   * NOT_STARTED    -> STARTING        run()
   * STARTING       -> RUNNING         the BEFORE "startup" triggers are done (DURING sees it running)
   * STARTING       -> STOP_REQUESTED  stop()
   * RUNNING        -> STOP_REQUESTED  stop()
   * STOP_REQUESTED -> SHUTTING_DOWN   end of the pass in which stop() was called
   * SHUTTING_DOWN  -> STOPPED         connections closed and pool stopped; DURING/AFTER triggers run
   * any            -> STOPPED         run() ends on an error the JVM cannot recover from
   * </pre>
   */
  private enum State {
    NOT_STARTED("it was never started"),
    STARTING("it is starting"),
    RUNNING("it is running"),
    STOP_REQUESTED("stop() was already called"),
    SHUTTING_DOWN("it is already shutting down"),
    STOPPED("it has stopped");

    final String description;

    State(String description) {
      this.description = description;
    }
  }

  private final AtomicReference<State> state = new AtomicReference<>(State.NOT_STARTED);
  private final Selector selector;
  private final ReactorTimers timers = new ReactorTimers(System::nanoTime);
  private final ThreadCallQueue threadCalls;
  private final CallbackGuard guard;
  private final SystemEvents events;
  private final WorkerPool pool;
  private final SlowCallbackWatchdog watchdog;
  private final Duration shutdownTimeout;
  private final boolean installSignalHandlers;

  /** Open ports and connections, in the order they opened. */
  private final Set<Selectable> tracked = new LinkedHashSet<>();

  /** The thread in {@link #run()}; {@code null} before and after. */
  private volatile Thread loopThread;

  private SignalHandlers signalHandlers;

  /**
   * Creates a reactor with the default settings (see {@link Builder}). Any thread.
   *
   * @throws UncheckedIOException when the selector cannot be opened
   */
  public SelectorReactor() {
    this(new Builder());
  }

  private SelectorReactor(Builder b) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a selector for the reactor", e);
    }
    this.threadCalls = new ThreadCallQueue(selector::wakeup);
    this.watchdog = b.slowCallbackThreshold == null ? null : new SlowCallbackWatchdog(b.slowCallbackThreshold);
    this.guard = new CallbackGuard(LOG, watchdog);
    this.shutdownTimeout = b.shutdownTimeout;
    this.events = new SystemEvents(this, guard, Map.of(SHUTDOWN, shutdownTimeout));
    this.pool = new WorkerPool(b.threadPoolName, b.threadPoolSize);
    this.installSignalHandlers = b.installSignalHandlers;
  }

  /**
   * Starts configuring a reactor. Any thread.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  // --- time --------------------------------------------------------------------------------------

  /** Monotonic time ({@link System#nanoTime()}) since this reactor was created. */
  @Override
  public Duration now() {
    return Duration.ofNanos(timers.nowNanos());
  }

  @Override
  public DelayedCall callLater(Duration delay, Runnable call) {
    return timers.callLater(delay, call);
  }

  /** The pending calls, in the order they will run. */
  @Override
  public List<DelayedCall> getDelayedCalls() {
    return timers.pending();
  }

  // --- lifecycle ---------------------------------------------------------------------------------

  @Override
  public void run() {
    State before = state.get();
    if (!state.compareAndSet(State.NOT_STARTED, State.STARTING)) {
      if (state.get() == State.STOPPED) {
        throw new IllegalStateException(
            "reactor cannot be restarted: it has stopped; create a new SelectorReactor");
      }
      throw new IllegalStateException(
          "reactor is already running on thread "
              + loopThread
              + " (state: "
              + before.description
              + ")");
    }
    loopThread = Thread.currentThread();
    LogicalThread.enterReactor(this);
    try {
      if (watchdog != null) {
        watchdog.start(loopThread);
      }
      events
          .runBefore(STARTUP)
          .addCallback(
              ignored -> {
                startupBeforeTriggersDone();
                return null;
              });
      while (state.get() != State.STOPPED) {
        pass();
      }
    } finally {
      terminate();
    }
  }

  private void startupBeforeTriggersDone() {
    state.compareAndSet(State.STARTING, State.RUNNING);
    if (installSignalHandlers && signalHandlers == null) {
      signalHandlers = SignalHandlers.install(this::signalled);
    }
    events.runDuringAndAfter(STARTUP);
  }

  /** On the JVM's signal thread: ask the reactor thread to stop, once. */
  private void signalled(String signal) {
    LOG.info("Received SIG{}: stopping the reactor", signal);
    callFromThread(
        () -> {
          State s = state.get();
          if (s == State.STARTING || s == State.RUNNING) {
            stop();
          } else {
            LOG.info("Ignoring SIG{}: the reactor is already stopping ({})", signal, s.description);
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Only asks: the "shutdown" event fires at the end of the current pass, never inside this
   * call. Reactor thread (or {@code callFromThread(reactor::stop)} from elsewhere).
   *
   * @throws ReactorNotRunningException "Can't stop reactor that isn't running." when it was never
   *     started, is already stopping or has stopped
   */
  @Override
  public void stop() {
    while (true) {
      State s = state.get();
      if (s != State.STARTING && s != State.RUNNING) {
        throw new ReactorNotRunningException(
            "Can't stop reactor that isn't running. (" + s.description + ")");
      }
      if (state.compareAndSet(s, State.STOP_REQUESTED)) {
        break;
      }
    }
    if (!isInReactorThread()) {
      selector.wakeup(); // misuse from another thread, but a sleeping loop must still notice
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>True from the end of the BEFORE "startup" triggers until the reactor's own shutdown work is
   * done (so BEFORE "shutdown" triggers see it running, DURING ones do not). Any thread.
   */
  @Override
  public boolean isRunning() {
    State s = state.get();
    return s == State.RUNNING || s == State.STOP_REQUESTED || s == State.SHUTTING_DOWN;
  }

  /**
   * {@inheritDoc}
   *
   * <p>When running, {@code call} runs before this method returns and what it throws propagates;
   * otherwise it becomes an AFTER "startup" trigger.
   */
  @Override
  public void callWhenRunning(Runnable call) {
    Objects.requireNonNull(call, "call");
    if (isRunning()) {
      call.run();
    } else {
      addSystemEventTrigger(TriggerPhase.AFTER, STARTUP, call);
    }
  }

  @Override
  public TriggerId addSystemEventTrigger(TriggerPhase phase, String event, Runnable trigger) {
    Objects.requireNonNull(trigger, "trigger");
    return events.add(
        phase,
        event,
        () -> {
          trigger.run();
          return null;
        },
        trigger);
  }

  @Override
  public TriggerId addSystemEventTriggerDeferring(
      TriggerPhase phase, String event, Callable<? extends Deferred<?>> trigger) {
    return events.add(phase, event, trigger, trigger);
  }

  @Override
  public void removeSystemEventTrigger(TriggerId id) {
    events.remove(id);
  }

  @Override
  public void fireSystemEvent(String event) {
    Objects.requireNonNull(event, "event");
    events.fire(event);
  }

  // --- the loop ----------------------------------------------------------------------------------

  private void pass() {
    threadCalls.runQueued(call -> guard.run("in call from thread", call, call));
    timers.runDue(call -> guard.run("in timed call", call, call));
    if (state.get() == State.STOP_REQUESTED
        && state.compareAndSet(State.STOP_REQUESTED, State.SHUTTING_DOWN)) {
      beginShutdown();
    }
    if (state.get() != State.STOPPED) {
      selectAndDispatch();
    }
  }

  private void selectAndDispatch() {
    long timeoutNanos =
        threadCalls.hasQueued() || state.get() == State.STOP_REQUESTED
            ? 0
            : timers.nanosUntilNext();
    try {
      if (timeoutNanos == 0) {
        selector.selectNow();
      } else if (timeoutNanos < 0) {
        selector.select(); // nothing scheduled: until I/O or a wake-up
      } else {
        // Round up: waking a little early would only spin through an empty pass.
        selector.select(Math.max(1, Math.ceilDiv(timeoutNanos, 1_000_000L)));
      }
    } catch (IOException e) {
      LOG.error("select() failed; the reactor goes on", e);
      return;
    }
    Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
    while (ready.hasNext()) {
      SelectionKey key = ready.next();
      ready.remove();
      dispatch(key);
    }
  }

  private void dispatch(SelectionKey key) {
    if (!key.isValid()) {
      return; // closed by an earlier dispatch in this pass
    }
    Selectable selectable = (Selectable) key.attachment();
    Throwable error = guard.run("in I/O handler of", selectable, () -> selectable.selected(key));
    if (error != null) {
      Throwable abortError =
          guard.run("while aborting after an error", selectable, () -> selectable.abort(error));
      if (abortError != null || key.isValid()) {
        // It cannot (or did not) close itself: cut it loose so it cannot spin the loop.
        forceClose(selectable, key);
      }
    }
  }

  private void forceClose(Selectable selectable, SelectionKey key) {
    key.cancel();
    try {
      key.channel().close();
    } catch (IOException e) {
      LOG.warn("Closing the channel of {} failed", selectable.describe(), e);
    }
    tracked.remove(selectable);
  }

  // --- shutdown ----------------------------------------------------------------------------------

  private void beginShutdown() {
    LOG.debug("Reactor shutting down");
    events
        .runBefore(SHUTDOWN)
        .addCallbackDeferring(ignored -> closeTracked())
        .addBoth(
            (ignored, failure) -> {
              if (failure != null) {
                LOG.error("Reactor shutdown step failed; finishing shutdown", failure.value());
              }
              finishShutdown();
              return null;
            });
  }

  /** What shutdown waits for: one port or connection closing. */
  private record Closing(Selectable selectable) {
    @Override
    public String toString() {
      return selectable.describe();
    }
  }

  private Deferred<Void> closeTracked() {
    BoundedWait<Closing> wait = new BoundedWait<>(this, LOG, "connections and ports to close");
    for (Selectable s : List.copyOf(tracked)) {
      Deferred<Void> closed = guard.call("in shutdown of", s, s::shutdown);
      if (closed != null) {
        wait.add(new Closing(s), closed);
      }
    }
    return wait.finish(shutdownTimeout, stragglers -> {})
        .addCallback(
            ignored -> {
              abortTracked(
                  "the reactor shut down before this connection finished closing (waited up to "
                      + shutdownTimeout
                      + ")");
              return null;
            });
  }

  private void abortTracked(String why) {
    for (Selectable s : List.copyOf(tracked)) {
      ConnectionLost reason = new ConnectionLost(why, null);
      guard.run("while aborting at shutdown", s, () -> s.abort(reason));
    }
    tracked.clear();
  }

  private void finishShutdown() {
    // The pool stops taking work now, but is joined only after the DURING and AFTER triggers:
    // a pool thread blocked in blockingCallFromThread is released by an AFTER trigger (or by
    // the rejection of its queued call), so joining first would deadlock until the bound
    // (Twisted joins first; its issue #10124).
    pool.shutdown();
    state.set(State.STOPPED);
    threadCalls.close(SelectorReactor::rejected);
    events.runDuringAndAfter(SHUTDOWN);
    pool.awaitStopped(shutdownTimeout);
  }

  private static void rejected(Runnable call) {
    if (call instanceof RejectableCall rejectable) {
      try {
        rejectable.rejected();
      } catch (RuntimeException e) {
        LOG.error("Rejection handler of {} threw", call, e);
      }
    } else {
      LOG.warn("The reactor has stopped; dropped call from thread {}", call);
    }
  }

  /** Runs when {@link #run()} ends, normally or not: make sure nothing is left running. */
  private void terminate() {
    State last = state.getAndSet(State.STOPPED);
    if (last != State.STOPPED) {
      // run() is ending on an error: skip the triggers, but release what the reactor holds.
      LOG.error("Reactor loop ended abnormally (state: {}); aborting what is still open", last);
      threadCalls.close(SelectorReactor::rejected);
      abortTracked("the reactor loop ended abnormally");
      pool.shutdown();
      pool.awaitStopped(Duration.ZERO);
    }
    if (signalHandlers != null) {
      signalHandlers.uninstall();
      signalHandlers = null;
    }
    if (watchdog != null) {
      watchdog.stop();
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.warn("Closing the selector failed", e);
    }
    loopThread = null;
  }

  // --- threads -----------------------------------------------------------------------------------

  /**
   * {@inheritDoc}
   *
   * <p>Never blocks. Calls queued after the reactor stopped never run; they are logged (as a
   * warning) and dropped. Any thread.
   */
  @Override
  public void callFromThread(Runnable call) {
    threadCalls.add(Objects.requireNonNull(call, "call"), isInReactorThread());
  }

  /**
   * True on the thread inside {@link #run()}, while it runs, and in inline bodies acting for it
   * (see {@link LogicalThread}). Any thread.
   */
  @Override
  public boolean isInReactorThread() {
    Thread loop = loopThread;
    return loop != null && LogicalThread.owner() == loop;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The Deferred has no canceller: cancelling it fails it at once with {@code
   * CancelledException}, the work runs on regardless and its result is dropped (as Twisted's). After
   * shutdown the Deferred fails with {@link ReactorNotRunningException}.
   */
  @Override
  public <T> Deferred<T> deferToThread(Callable<? extends T> callable) {
    Objects.requireNonNull(callable, "callable");
    Deferred<T> result = new Deferred<>();
    try {
      pool.execute(
          () -> {
            ThreadResult<T> outcome;
            try {
              outcome = new ThreadResult<>(result, callable.call(), null);
            } catch (Throwable t) {
              outcome = new ThreadResult<>(result, null, t);
            }
            callFromThread(outcome);
          });
    } catch (RejectedExecutionException stopped) {
      result.errback(
          new ReactorNotRunningException(
              "deferToThread after the reactor shut down: " + stopped.getMessage()));
    }
    return result;
  }

  /** Carries a pool thread's outcome to the reactor thread. */
  private record ThreadResult<T>(Deferred<T> deferred, T value, Throwable error)
      implements RejectableCall {
    @Override
    public void run() {
      if (error != null) {
        deferred.errback(error);
      } else {
        deferred.callback(value);
      }
    }

    @Override
    public void rejected() {
      LOG.debug("Dropped the result of deferToThread for {}: the reactor has stopped", deferred);
    }
  }

  // --- networking --------------------------------------------------------------------------------

  @Override
  public ListeningPort listenTCP(int port, Factory factory, int backlog, String iface) {
    return Tcp.listen(this, port, factory, backlog, iface);
  }

  @Override
  public Connector connectTCP(
      String host, int port, ClientFactory factory, Duration timeout, InetSocketAddress bindAddress) {
    return Tcp.connect(this, host, port, factory, timeout, bindAddress);
  }

  @Override
  public ListeningPort listenUnix(Path path, Factory factory) {
    return Unix.listen(this, path, factory);
  }

  @Override
  public Connector connectUnix(Path path, ClientFactory factory, Duration timeout) {
    return Unix.connect(this, path, factory, timeout);
  }

  @Override
  public ListeningPort listenUDP(int port, DatagramProtocol protocol, String iface) {
    return Udp.listen(this, port, protocol, iface);
  }

  // --- SelectorLoop ------------------------------------------------------------------------------

  @Override
  public Reactor reactor() {
    return this;
  }

  @Override
  public SelectionKey register(SelectableChannel channel, int interestOps, Selectable selectable)
      throws IOException {
    Objects.requireNonNull(selectable, "selectable");
    if (state.get() == State.STOPPED) {
      throw new ClosedChannelException();
    }
    return channel.register(selector, interestOps, selectable);
  }

  @Override
  public void track(Selectable selectable) {
    tracked.add(Objects.requireNonNull(selectable, "selectable"));
  }

  @Override
  public void untrack(Selectable selectable) {
    tracked.remove(selectable);
  }

  /**
   * Describes each open port and connection, in the order they opened: what shutdown will close,
   * and what {@link org.braid.reactor.testing.ReactorAssertions#assertClean} reports. Reactor
   * thread, or any thread once {@link #run()} has returned.
   *
   * @return one description per open port or connection
   */
  public List<String> describeOpenPortsAndConnections() {
    List<String> descriptions = new ArrayList<>(tracked.size());
    for (Selectable s : tracked) {
      descriptions.add(s.describe());
    }
    return descriptions;
  }

  /** Shows the state and the thread, e.g. {@code SelectorReactor[it is running on main]}. */
  @Override
  public String toString() {
    Thread t = loopThread;
    return "SelectorReactor[" + state.get().description + (t != null ? " on " + t.getName() : "") + "]";
  }

  // --- configuration -----------------------------------------------------------------------------

  /**
   * Settings for a {@link SelectorReactor}. Not thread-safe; use it on one thread, then {@link
   * #build()}.
   */
  public static final class Builder {
    private int threadPoolSize = 10;
    private String threadPoolName = "braid-pool";
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private boolean installSignalHandlers;
    private Duration slowCallbackThreshold;

    private Builder() {}

    /**
     * The most threads {@link Reactor#deferToThread} uses at once; more work waits in a queue.
     * Default 10 (as Twisted's pool).
     *
     * @param size at least 1
     * @return this builder
     */
    public Builder threadPoolSize(int size) {
      if (size < 1) {
        throw new IllegalArgumentException("thread pool size must be at least 1: " + size);
      }
      this.threadPoolSize = size;
      return this;
    }

    /**
     * The prefix of the pool threads' names; they are named prefix-1, prefix-2, ... Default
     * "braid-pool".
     *
     * @param name the prefix
     * @return this builder
     */
    public Builder threadPoolName(String name) {
      this.threadPoolName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * How long each shutdown step may take: the wait for BEFORE "shutdown" triggers' Deferreds,
     * the wait for connections to flush and close (stragglers are then aborted), and the wait for
     * pool threads to finish. Default 10 s.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("shutdown timeout must be positive: " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * Whether SIGINT and SIGTERM stop the reactor gracefully (through {@code callFromThread}).
     * Only for a reactor that owns the process: the handlers replace the JVM's (so shutdown hooks
     * no longer run on those signals) until {@link #run()} returns. Default off.
     *
     * @param install whether to install them when the reactor starts
     * @return this builder
     */
    public Builder installSignalHandlers(boolean install) {
      this.installSignalHandlers = install;
      return this;
    }

    /**
     * Debug option: warn, with the reactor thread's stack, whenever one callback (timer, thread
     * call, trigger or I/O dispatch) holds the reactor thread longer than {@code threshold}. A
     * watchdog thread samples the reactor thread. Default off.
     *
     * @param threshold positive, or {@code null} for off
     * @return this builder
     */
    public Builder slowCallbackThreshold(Duration threshold) {
      if (threshold != null && (threshold.isNegative() || threshold.isZero())) {
        throw new IllegalArgumentException("slow-callback threshold must be positive: " + threshold);
      }
      this.slowCallbackThreshold = threshold;
      return this;
    }

    /**
     * Creates the reactor.
     *
     * @return a reactor that has not started
     * @throws UncheckedIOException when the selector cannot be opened
     */
    public SelectorReactor build() {
      return new SelectorReactor(this);
    }
  }
}
