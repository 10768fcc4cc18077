package org.braid.protocols;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.braid.deferred.Failure;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.Connector;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Protocol;
import org.braid.reactor.ReactorTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client factory that reconnects after a failed attempt or a lost connection, waiting longer
 * each time (Twisted's {@code ReconnectingClientFactory}, with its knobs and semantics).
 *
 * <pre>{@code
 * final class Feed extends ReconnectingClientFactory {
 *   Feed(Reactor reactor) {
 *     super(reactor);
 *   }
 *
 *   @Override
 *   protected Protocol newProtocol(SocketAddress peer) {
 *     resetDelay();                 // connected: the next outage starts from the initial delay
 *     return new FeedClient();
 *   }
 * }
 * reactor.connectTCP("127.0.0.1", 9000, new Feed(reactor), Duration.ofSeconds(5), null);
 * }</pre>
 *
 * <h2>Delays</h2>
 * Each retry multiplies the current delay by {@link #factor()} (default <i>e</i>), caps it at
 * {@link #maxDelay()} (default 3600 s), then draws the actual delay from a normal distribution
 * with that mean and a standard deviation of {@link #jitter()} (default 0.119626565582) times it;
 * the drawn value becomes the current delay. So the <b>first</b> retry waits about {@code
 * initialDelay × e} ≈ 2.7 s, not {@link #initialDelay()}, exactly as in Twisted. Because the
 * jitter comes after the cap, a delay can exceed {@code maxDelay} (Twisted #4734, wontfix);
 * {@link #setClampJitteredDelay(boolean) setClampJitteredDelay(true)} caps it again after the
 * jitter. A negative draw (some eight standard deviations away) counts as zero. The normal samples
 * come from {@link #setJitterSource} (default {@link Random#nextGaussian()}), and time from the
 * clock given to the constructor, so tests are deterministic.
 *
 * <h2>Retries</h2>
 * <ul>
 *   <li>{@link #clientConnectionFailed} and {@link #clientConnectionLost} remember the connector
 *       and {@link #retry()}, whatever the reason (timeouts and refusals alike). Subclasses that
 *       override them call {@code super}.
 *   <li>With {@link #setMaxRetries(int)} N, N retries are scheduled and then the factory gives up
 *       (0: none at all). The count runs across connections until {@link #resetDelay()}.
 *   <li>{@link #resetDelay()} is <b>not</b> called on a successful connection: call it from
 *       {@code newProtocol}/{@code buildProtocol} or the protocol's {@code connectionMade}, or the
 *       delay keeps growing and max retries counts across sessions (the most common bug with
 *       Twisted's class). {@link #forProtocol} does it for you.
 *   <li>{@link #stopTrying()} cancels a scheduled retry, stops an attempt in progress, and makes
 *       later failures and losses final; {@code resetDelay()} allows retrying again.
 * </ul>
 *
 * Reactor thread only.
 */
public abstract class ReconnectingClientFactory extends ClientFactory {
  private static final Logger LOG = LoggerFactory.getLogger(ReconnectingClientFactory.class);

  /** The default initial delay: 1 s. */
  public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);

  /** The default cap on the delay before jitter: 3600 s. */
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(3600);

  /** The default growth factor: <i>e</i>, Twisted's {@code 2.7182818284590451}. */
  public static final double DEFAULT_FACTOR = Math.E;

  /** The default relative standard deviation of a delay: Twisted's {@code 0.119626565582}. */
  public static final double DEFAULT_JITTER = 0.119626565582;

  private final ReactorTime clock;

  // Delays are kept in seconds as doubles, as in Twisted, so that the factor and the jitter
  // compound exactly as they do there.
  private double initialDelay = Seconds.of(DEFAULT_INITIAL_DELAY);
  private double maxDelay = Seconds.of(DEFAULT_MAX_DELAY);
  private double factor = DEFAULT_FACTOR;
  private double jitter = DEFAULT_JITTER;
  private boolean clampJitteredDelay;
  private DoubleSupplier jitterSource = new Random()::nextGaussian;

  /** Unlimited when negative. */
  private int maxRetries = -1;

  private double delay = initialDelay;
  private int retries;
  private boolean continueTrying = true;
  private Connector connector;
  private DelayedCall pendingRetry;

  /**
   * Creates a factory with Twisted's defaults.
   *
   * @param clock the clock retries are scheduled on: the reactor, or a manual clock in tests
   */
  protected ReconnectingClientFactory(ReactorTime clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * A reconnecting factory that builds protocols with {@code constructor} and calls {@link
   * #resetDelay()} each time it builds one, so every outage starts from the initial delay.
   *
   * @param clock the clock retries are scheduled on
   * @param constructor makes a new protocol
   * @return the factory
   */
  public static ReconnectingClientFactory forProtocol(
      ReactorTime clock, Supplier<? extends Protocol> constructor) {
    Objects.requireNonNull(constructor, "constructor");
    return new ReconnectingClientFactory(clock) {
      @Override
      protected Protocol newProtocol(SocketAddress peer) {
        resetDelay();
        return constructor.get();
      }
    };
  }

  /** Remembers the connector and retries, unless told to stop trying. */
  @Override
  public void clientConnectionFailed(Connector failed, Failure reason) {
    if (continueTrying) {
      connector = failed;
      retry();
    }
  }

  /** Remembers the connector and retries, unless told to stop trying. */
  @Override
  public void clientConnectionLost(Connector lost, Failure reason) {
    if (continueTrying) {
      connector = lost;
      retry();
    }
  }

  /**
   * Schedules a reconnection of the remembered connector after the next delay; see the class
   * documentation. Does nothing after {@link #stopTrying()} or once max retries is used up.
   *
   * @throws IllegalStateException when no connector is remembered yet
   */
  public void retry() {
    if (!continueTrying) {
      LOG.info("Abandoning {} on explicit request", connector);
      return;
    }
    if (connector == null) {
      throw new IllegalStateException("no connector to retry: no attempt has failed or been lost yet");
    }
    retry(connector);
  }

  /**
   * Schedules a reconnection of {@code target} after the next delay.
   *
   * @param target the connector to reconnect
   */
  public void retry(Connector target) {
    Objects.requireNonNull(target, "target");
    if (!continueTrying) {
      LOG.info("Abandoning {} on explicit request", target);
      return;
    }
    connector = target;
    retries++;
    if (maxRetries >= 0 && retries > maxRetries) {
      LOG.info("Abandoning {} after {} retries", target, maxRetries);
      return;
    }
    delay = Math.min(delay * factor, maxDelay);
    if (jitter != 0) {
      // Twisted's random.normalvariate(delay, delay * jitter), from a standard normal sample.
      delay = delay + delay * jitter * jitterSource.getAsDouble();
      if (clampJitteredDelay) {
        delay = Math.min(delay, maxDelay);
      }
    }
    delay = Math.max(delay, 0);
    Duration wait = Seconds.toDuration(delay);
    LOG.info("{} will retry in {} seconds (retry {})", target, (long) delay, retries);
    pendingRetry =
        clock.callLater(
            wait,
            () -> {
              pendingRetry = null;
              target.connect();
            });
  }

  /**
   * Stops retrying: cancels a scheduled retry, stops the attempt in progress (its failure is not
   * retried), and makes later failures and losses final. {@link #resetDelay()} undoes it.
   */
  public void stopTrying() {
    if (pendingRetry != null) {
      pendingRetry.cancel();
      pendingRetry = null;
    }
    continueTrying = false;
    if (connector != null) {
      try {
        connector.stopConnecting();
      } catch (IllegalStateException notConnecting) {
        // Connected or disconnected, not connecting: nothing to stop (Twisted ignores
        // NotConnectingError here too).
        LOG.debug("stopTrying: {} was not connecting ({})", connector, notConnecting.getMessage());
      }
    }
  }

  /**
   * Starts over: the delay goes back to {@link #initialDelay()}, the retry count to 0, a
   * scheduled retry is forgotten (not cancelled, as in Twisted), and retrying is allowed again.
   * Call it once connected.
   */
  public void resetDelay() {
    delay = initialDelay;
    retries = 0;
    pendingRetry = null;
    continueTrying = true;
  }

  // --- knobs -------------------------------------------------------------------------------------

  /**
   * The delay the backoff starts from (default 1 s); the first retry waits about this times
   * {@link #factor()}.
   *
   * @return the initial delay
   */
  public final Duration initialDelay() {
    return Seconds.toDuration(initialDelay);
  }

  /**
   * Sets the initial delay; also the current delay, if no retry has happened since the last
   * reset (in Twisted, setting {@code initialDelay} on an instance leaves {@code delay} at the
   * class default until {@code resetDelay}: an accident of Python class attributes).
   *
   * @param initialDelay not negative
   */
  public final void setInitialDelay(Duration initialDelay) {
    this.initialDelay = Seconds.nonNegative("initialDelay", initialDelay);
    if (retries == 0) {
      delay = this.initialDelay;
    }
  }

  /**
   * The cap applied before jitter (default 3600 s).
   *
   * @return the maximum delay
   */
  public final Duration maxDelay() {
    return Seconds.toDuration(maxDelay);
  }

  /**
   * Sets the cap applied before jitter.
   *
   * @param maxDelay not negative
   */
  public final void setMaxDelay(Duration maxDelay) {
    this.maxDelay = Seconds.nonNegative("maxDelay", maxDelay);
  }

  /**
   * What the delay is multiplied by at each retry (default <i>e</i>).
   *
   * @return the factor
   */
  public final double factor() {
    return factor;
  }

  /**
   * Sets what the delay is multiplied by at each retry.
   *
   * @param factor positive and finite
   */
  public final void setFactor(double factor) {
    if (!(factor > 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be positive and finite: " + factor);
    }
    this.factor = factor;
  }

  /**
   * The standard deviation of a delay, relative to it (default 0.119626565582); 0 for none.
   *
   * @return the jitter
   */
  public final double jitter() {
    return jitter;
  }

  /**
   * Sets the relative standard deviation of a delay.
   *
   * @param jitter 0 or more, finite
   */
  public final void setJitter(double jitter) {
    if (!(jitter >= 0) || Double.isInfinite(jitter)) {
      throw new IllegalArgumentException("jitter must be 0 or more and finite: " + jitter);
    }
    this.jitter = jitter;
  }

  /**
   * Sets where the jitter's standard normal samples come from (default {@link
   * Random#nextGaussian()} of a random generator of this factory's own).
   *
   * @param standardNormal returns samples of a normal distribution with mean 0 and standard
   *     deviation 1; tests give a fixed sequence
   */
  public final void setJitterSource(DoubleSupplier standardNormal) {
    this.jitterSource = Objects.requireNonNull(standardNormal, "standardNormal");
  }

  /**
   * Tells whether a jittered delay is capped at {@link #maxDelay()} again (default {@code false},
   * as Twisted).
   *
   * @return whether the cap applies after the jitter too
   */
  public final boolean clampJitteredDelay() {
    return clampJitteredDelay;
  }

  /**
   * Caps jittered delays at {@link #maxDelay()} too, so no wait exceeds it (Twisted #4734).
   *
   * @param clamp whether to cap after the jitter
   */
  public final void setClampJitteredDelay(boolean clamp) {
    this.clampJitteredDelay = clamp;
  }

  /**
   * How many retries are scheduled before giving up, or empty for no limit (the default).
   *
   * @return the limit
   */
  public final OptionalInt maxRetries() {
    return maxRetries < 0 ? OptionalInt.empty() : OptionalInt.of(maxRetries);
  }

  /**
   * Gives up after {@code maxRetries} scheduled retries (0: none).
   *
   * @param maxRetries 0 or more
   */
  public final void setMaxRetries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries is negative: " + maxRetries);
    }
    this.maxRetries = maxRetries;
  }

  /** Retries forever (the default). */
  public final void setUnlimitedRetries() {
    this.maxRetries = -1;
  }

  // --- state -------------------------------------------------------------------------------------

  /**
   * The current delay: the last one waited, or the initial delay after a reset.
   *
   * @return the delay
   */
  public final Duration delay() {
    return Seconds.toDuration(delay);
  }

  /**
   * How many retries were counted since the last reset.
   *
   * @return the count
   */
  public final int retries() {
    return retries;
  }

  /**
   * Tells whether failures and losses are still retried ({@link #stopTrying()} turns it off).
   *
   * @return whether the factory keeps trying
   */
  public final boolean continueTrying() {
    return continueTrying;
  }

  /**
   * The connector last remembered, or {@code null}.
   *
   * @return the connector
   */
  public final Connector connector() {
    return connector;
  }

  /**
   * The clock retries are scheduled on.
   *
   * @return the clock
   */
  public final ReactorTime clock() {
    return clock;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "[delay "
        + Seconds.toDuration(delay)
        + ", retries "
        + retries
        + (continueTrying ? "" : ", stopped trying")
        + (pendingRetry != null ? ", retry due at " + pendingRetry.getTime() : "")
        + "]";
  }
}
