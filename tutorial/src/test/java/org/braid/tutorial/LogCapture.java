package org.braid.tutorial;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Captures the events of one logger while a scene runs; close it to stop. Events may come from
 * other threads (the Deferred cleaner, the reactor's watchdog), so they are kept under the
 * appender's monitor, which logback's {@link AppenderBase#doAppend} already holds, and {@link
 * #awaitEvent} waits on it.
 */
final class LogCapture implements AutoCloseable {
  /** Rounds before {@link #awaitEvent} gives up, so that a missing event fails the test. */
  private static final int MAX_ROUNDS = 50;

  private static final long WAIT_PER_ROUND_MILLIS = 100;

  private final Logger logger;
  private final Sink sink = new Sink();

  private static final class Sink extends AppenderBase<ILoggingEvent> {
    private final List<ILoggingEvent> events = new ArrayList<>();

    @Override
    protected void append(ILoggingEvent event) {
      event.prepareForDeferredProcessing();
      events.add(event);
      notifyAll();
    }
  }

  LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    sink.setName("LogCapture");
    sink.setContext(logger.getLoggerContext());
    sink.start();
    logger.addAppender(sink);
  }

  /**
   * Waits for the first event that {@code wanted} accepts, running the garbage collector each
   * round (the Deferred cleaner reports only after a collection); bounded, never for clock time.
   */
  Optional<ILoggingEvent> awaitEvent(Predicate<ILoggingEvent> wanted) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      synchronized (sink) {
        Optional<ILoggingEvent> found = sink.events.stream().filter(wanted).findFirst();
        if (found.isPresent()) {
          return found;
        }
      }
      System.gc();
      synchronized (sink) {
        try {
          sink.wait(WAIT_PER_ROUND_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for a log event", e);
        }
      }
    }
    synchronized (sink) {
      return sink.events.stream().filter(wanted).findFirst();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(sink);
    sink.stop();
  }
}
