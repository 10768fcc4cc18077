package org.braid.reactor;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * Test support: records what one logger logs while open, and keeps it off the console (expected
 * errors should not look like failures). Events may arrive from any thread.
 */
@SuppressWarnings("exports") // test support: logback types in its API are fine here
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  private final Logger logger;
  private final Level previousLevel;
  private final boolean previousAdditive;
  private final List<ILoggingEvent> events = new ArrayList<>();

  private LogCapture(Class<?> loggerClass) {
    this.logger = (Logger) LoggerFactory.getLogger(loggerClass);
    this.previousLevel = logger.getLevel();
    this.previousAdditive = logger.isAdditive();
    setContext(logger.getLoggerContext());
    setName("capture-" + loggerClass.getSimpleName());
    start();
    logger.addAppender(this);
    logger.setLevel(Level.DEBUG);
    logger.setAdditive(false);
  }

  /**
   * Starts capturing the logger named after {@code loggerClass}.
   *
   * @param loggerClass the class whose logger to capture
   * @return the capture; close it at the end of the test
   */
  public static LogCapture of(Class<?> loggerClass) {
    return new LogCapture(loggerClass);
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    synchronized (events) {
      events.add(event);
      events.notifyAll();
    }
  }

  /** A snapshot of what was logged at {@code level} or above. */
  public List<ILoggingEvent> events(Level level) {
    synchronized (events) {
      return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(level)).toList();
    }
  }

  /** The formatted messages logged at {@code level} or above. */
  public List<String> messages(Level level) {
    return events(level).stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The formatted messages logged at exactly {@code level}, in order. */
  public List<String> messagesAt(Level level) {
    synchronized (events) {
      return events.stream()
          .filter(e -> e.getLevel() == level)
          .map(ILoggingEvent::getFormattedMessage)
          .toList();
    }
  }

  /** Waits, at most {@code timeout}, for an event that matches; fails the test otherwise. */
  public ILoggingEvent await(Predicate<ILoggingEvent> matching, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (events) {
      while (true) {
        for (ILoggingEvent e : events) {
          if (matching.test(e)) {
            return e;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "no matching log event within " + timeout + "; logged: " + events);
        }
        TimeUnit.NANOSECONDS.timedWait(events, left);
      }
    }
  }

  /** The throwable's class name and message of an event, or null. */
  public static String thrown(ILoggingEvent event) {
    IThrowableProxy t = event.getThrowableProxy();
    return t == null ? null : t.getClassName() + ": " + t.getMessage();
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    logger.setAdditive(previousAdditive);
    stop();
  }
}
