package org.braid.protocols;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Test support: records what one logger logs while open and keeps it off the console (expected
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

  /** Starts capturing the logger named after {@code loggerClass}; close it at the end. */
  public static LogCapture of(Class<?> loggerClass) {
    return new LogCapture(loggerClass);
  }

  @Override
  protected void append(ILoggingEvent event) {
    event.prepareForDeferredProcessing();
    synchronized (events) {
      events.add(event);
    }
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

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(previousLevel);
    logger.setAdditive(previousAdditive);
    stop();
  }
}
