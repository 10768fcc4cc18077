package org.braid.deferred;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.LoggerFactory;

/**
 * Captures the events of the {@code org.braid.deferred.Deferred} logger while a test runs (use it
 * in try-with-resources, or create it in a field and close it in {@code @AfterEach}).
 *
 * <p>Unhandled-failure reports come from the {@link java.lang.ref.Cleaner} thread, so the events
 * are kept under the sink's monitor (logback's {@link AppenderBase#doAppend} already holds it) and
 * {@link #awaitWhileCollectingGarbage} waits on it. Other test classes may leave failing Deferreds
 * behind that are collected while this one runs, so tests pick their own events out by a unique
 * token in the exception message ({@link #eventsMentioning}).
 */
final class LogCapture implements AutoCloseable {
  /** GC rounds before giving up: bounded, so a broken implementation fails instead of hanging. */
  private static final int MAX_GC_ROUNDS = 50;

  private static final long WAIT_PER_ROUND_MILLIS = 100;

  private final Logger logger;
  private final Sink sink = new Sink();

  /** The appender; all state lives under its monitor. */
  private static final class Sink extends AppenderBase<ILoggingEvent> {
    private final List<ILoggingEvent> events = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      // Called with this appender's monitor held (AppenderBase.doAppend is synchronized).
      event.prepareForDeferredProcessing();
      events.add(event);
      notifyAll();
    }
  }

  private LogCapture(Logger logger) {
    this.logger = logger;
    sink.setName("LogCapture");
    sink.setContext(logger.getLoggerContext());
    sink.start();
    logger.addAppender(sink);
  }

  /** Starts capturing the events of the Deferred logger. */
  static LogCapture ofDeferredLogger() {
    return new LogCapture((Logger) LoggerFactory.getLogger(Deferred.class));
  }

  /** A snapshot of every captured event. */
  List<ILoggingEvent> events() {
    synchronized (sink) {
      return List.copyOf(sink.events);
    }
  }

  /**
   * The captured events whose message, or the message of whose throwable (or of a cause of it),
   * contains {@code token}.
   */
  List<ILoggingEvent> eventsMentioning(String token) {
    return events().stream().filter(e -> mentions(e, token)).toList();
  }

  /** The captured events at {@code level} that mention {@code token}. */
  List<ILoggingEvent> eventsMentioning(String token, Level level) {
    return eventsMentioning(token).stream().filter(e -> e.getLevel() == level).toList();
  }

  private static boolean mentions(ILoggingEvent event, String token) {
    if (event.getFormattedMessage().contains(token)) {
      return true;
    }
    for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains(token)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs the garbage collector and waits for events, round after round, until {@code condition}
   * holds or {@value #MAX_GC_ROUNDS} rounds have passed. This waits for the collector and the
   * cleaner thread, never for clock time to pass: with a correct implementation the condition
   * usually holds after the first round.
   *
   * @return whether the condition held
   */
  boolean awaitWhileCollectingGarbage(BooleanSupplier condition) {
    for (int round = 0; round < MAX_GC_ROUNDS; round++) {
      System.gc();
      synchronized (sink) {
        if (condition.getAsBoolean()) {
          return true;
        }
        try {
          sink.wait(WAIT_PER_ROUND_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for the garbage collector", e);
        }
      }
    }
    return condition.getAsBoolean();
  }

  @Override
  public void close() {
    logger.detachAppender(sink);
    sink.stop();
  }
}
