package org.braid.reactor.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Captures what one logger logs during a test, at every level, and restores the logger after.
 * Tests see only strings, so they need no logback types.
 */
public final class LogCapture implements AutoCloseable {
  static {
    // The tests run inside the org.braid.reactor module, which does not read logback (a test
    // dependency only); let it, for this class.
    Module self = LogCapture.class.getModule();
    for (String name : List.of("ch.qos.logback.classic", "ch.qos.logback.core")) {
      ModuleLayer.boot().findModule(name).ifPresent(self::addReads);
    }
  }

  private final Logger logger;
  private final Level previous;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> source) {
    logger = (Logger) LoggerFactory.getLogger(source);
    previous = logger.getLevel();
    appender.start();
    logger.setLevel(Level.DEBUG);
    logger.addAppender(appender);
  }

  /**
   * Starts capturing the logger named after {@code source}.
   *
   * @param source the class whose logger to capture
   * @return the capture; close it to restore the logger
   */
  public static LogCapture of(Class<?> source) {
    return new LogCapture(source);
  }

  /**
   * The formatted messages logged at {@code level}, in order.
   *
   * @param level "ERROR", "WARN", "INFO" or "DEBUG"
   * @return the messages
   */
  public List<String> messages(String level) {
    Level wanted = Level.toLevel(level);
    return appender.list.stream()
        .filter(e -> e.getLevel() == wanted)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  /**
   * The exceptions attached to the events logged at {@code level}, as class names.
   *
   * @param level the level
   * @return the class names, {@code null} for events without one
   */
  public List<String> throwables(String level) {
    Level wanted = Level.toLevel(level);
    return appender.list.stream()
        .filter(e -> e.getLevel() == wanted)
        .map(e -> e.getThrowableProxy() == null ? null : e.getThrowableProxy().getClassName())
        .toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
  }
}
