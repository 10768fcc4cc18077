package org.braid.protocols;

import java.time.Duration;
import java.util.Objects;
import org.braid.reactor.DelayedCall;
import org.braid.reactor.Protocol;
import org.braid.reactor.ReactorTime;
import org.braid.reactor.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has been idle too long (Twisted's {@code TimeoutMixin}). Java has no
 * mixins, so a protocol owns one of these and tells it about activity:
 *
 * <pre>{@code
 * final class Session extends LineReceiver {
 *   private final IdleTimeout idle;
 *
 *   Session(ReactorTime clock) {
 *     idle = new IdleTimeout(clock, this);          // default: lose the connection
 *   }
 *
 *   @Override
 *   public void connectionMade() {
 *     idle.setTimeout(Duration.ofSeconds(30));
 *   }
 *
 *   @Override
 *   public void lineReceived(byte[] line) {
 *     idle.resetTimeout();                        // activity: start the 30 s again
 *     ...
 *   }
 *
 *   @Override
 *   public void connectionLost(Failure reason) {
 *     idle.cancel();                              // leave no timer behind
 *   }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #setTimeout} arms, re-arms (from now) or, with {@code null}, disarms the timer,
 *       and returns the previous period.
 *   <li>{@link #resetTimeout()} restarts a running timer with the current period; it does
 *       nothing when no timer runs (none was set, it was cancelled, or it already fired).
 *   <li>When the period passes without a reset, the timer is forgotten and the action runs:
 *       {@link Protocol#transport()}'s {@code loseConnection} by default, or what was given to
 *       {@link #IdleTimeout(ReactorTime, Runnable)} (Twisted's {@code timeoutConnection}). The
 *       period is kept ({@link #timeout()}); only a new {@code setTimeout} starts another timer.
 * </ul>
 *
 * The timer runs on the clock given, the reactor's (or a manual clock in tests). Reactor thread
 * only.
 */
public final class IdleTimeout {
  private static final Logger LOG = LoggerFactory.getLogger(IdleTimeout.class);

  private final ReactorTime clock;
  private final Runnable timeoutConnection;
  private final Object owner;

  /** The period, or {@code null} when none is set (Twisted's {@code timeOut}). */
  private Duration period;

  /** The pending timer, or {@code null} when none runs. */
  private DelayedCall timer;

  /**
   * An idle timeout that loses {@code protocol}'s connection when it expires.
   *
   * @param clock the clock to time with: the reactor, or a manual clock in tests
   * @param protocol the protocol whose connection to lose
   */
  public IdleTimeout(ReactorTime clock, Protocol protocol) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(protocol, "protocol");
    this.owner = protocol;
    this.timeoutConnection =
        () -> {
          Transport transport = protocol.transport();
          LOG.debug(
              "{}: no activity for {}; losing the connection to {}",
              protocol.logPrefix(),
              period,
              transport == null ? "(not connected)" : transport.getPeer());
          if (transport != null) {
            transport.loseConnection();
          }
        };
  }

  /**
   * An idle timeout that runs {@code timeoutConnection} when it expires.
   *
   * @param clock the clock to time with
   * @param timeoutConnection what to do then, e.g. send a goodbye and lose the connection
   */
  public IdleTimeout(ReactorTime clock, Runnable timeoutConnection) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeoutConnection = Objects.requireNonNull(timeoutConnection, "timeoutConnection");
    this.owner = timeoutConnection;
  }

  /**
   * Sets the period and (re)starts the timer from now; {@code null} stops it.
   *
   * @param period how long the connection may stay idle, not negative; or {@code null} for no
   *     timeout
   * @return the previous period, or {@code null}
   * @throws IllegalArgumentException when {@code period} is negative
   */
  public Duration setTimeout(Duration period) {
    if (period != null && period.isNegative()) {
      throw new IllegalArgumentException("idle timeout is negative: " + period);
    }
    Duration previous = this.period;
    this.period = period;
    if (timer != null) {
      if (period == null) {
        cancelTimer();
      } else {
        timer.reset(period);
      }
    } else if (period != null) {
      timer = clock.callLater(period, this::expired);
    }
    return previous;
  }

  /** Restarts a running timer with the current period; does nothing when none runs. */
  public void resetTimeout() {
    if (timer != null && period != null) {
      timer.reset(period);
    }
  }

  /**
   * Stops the timer, as {@code setTimeout(null)} does: call it from {@code connectionLost}.
   */
  public void cancel() {
    setTimeout(null);
  }

  /**
   * The period set, or {@code null} (Twisted's {@code timeOut}).
   *
   * @return the period
   */
  public Duration timeout() {
    return period;
  }

  /**
   * Tells whether a timer runs.
   *
   * @return whether the timeout will fire unless reset or cancelled
   */
  public boolean isPending() {
    return timer != null;
  }

  private void cancelTimer() {
    DelayedCall pending = timer;
    timer = null;
    if (pending.isActive()) {
      pending.cancel();
    }
  }

  private void expired() {
    timer = null;
    timeoutConnection.run();
  }

  @Override
  public String toString() {
    return "IdleTimeout["
        + (period == null ? "off" : period)
        + (timer == null ? ", not pending" : ", due at " + timer.getTime())
        + ", for "
        + owner
        + "]";
  }
}
