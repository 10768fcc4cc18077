package org.braid.tutorial;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.braid.deferred.Deferred;

/**
 * Runs the debugging chapter's scenes and renders what each one shows — what it printed, and the
 * log record it caused — as the transcripts the chapter's prose includes ({@code <!-- output:
 * name -->}). Only what changes from run to run is masked: identity hashes, lambda class
 * addresses and measured durations. Frames outside the chapter are cut to "...", since they differ
 * between the walkthrough, the test runner and the inline scheduling modes.
 */
public final class DebuggingTranscripts {
  /** The watchdog's logger; its class is internal to the reactor module. */
  private static final String WATCHDOG_LOGGER = "org.braid.reactor.internal.SlowCallbackWatchdog";

  private DebuggingTranscripts() {}

  /**
   * Every transcript, by the name the prose uses.
   *
   * @return scene name to a call that runs the scene and renders its transcript
   */
  public static Map<String, Callable<String>> all() {
    Map<String, Callable<String>> all = new LinkedHashMap<>();
    all.put("debugging-already-called", DebuggingTranscripts::alreadyCalled);
    all.put("debugging-unhandled", DebuggingTranscripts::unhandled);
    all.put("debugging-slow-callback", DebuggingTranscripts::slowCallback);
    all.put("debugging-stack-traces", DebuggingTranscripts::stackTraces);
    return all;
  }

  static String alreadyCalled() {
    return mask(chapter().alreadyCalled());
  }

  static String unhandled() {
    try (LogCapture log = new LogCapture(Deferred.class.getName())) {
      Debugging.Dropped dropped = chapter().unhandledError();
      ILoggingEvent record =
          log.awaitEvent(e -> e.getThrowableProxy() instanceof ThrowableProxy p
                  && p.getThrowable() == dropped.failure())
              .orElseThrow(() -> new AssertionError(
                  "no unhandled-error record for " + dropped.failure() + "; collected: "
                      + dropped.collected()));
      return render(record);
    }
  }

  static String slowCallback() throws Exception {
    try (LogCapture log = new LogCapture(WATCHDOG_LOGGER)) {
      String value = chapter().slowCallback();
      ILoggingEvent warning =
          log.awaitEvent(
                  e -> e.getLevel() == Level.WARN
                      && e.getThrowableProxy() != null
                      && e.getThrowableProxy().getMessage().contains("'braid-reactor-chapter-12'"))
              .orElseThrow(() -> new AssertionError("the watchdog logged no warning"));
      return "the callback returned " + value + "\n" + render(warning);
    }
  }

  static String stackTraces() {
    return mask(String.join("", chapter().stackTraces()));
  }

  private static Debugging chapter() {
    return new Debugging(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  /** A log record as the walkthrough's logback pattern shows it, without the timestamp. */
  private static String render(ILoggingEvent event) {
    String message = ShortTrace.filterFrames(event.getFormattedMessage(), Debugging.OWN_FRAMES);
    Throwable thrown = ((ThrowableProxy) event.getThrowableProxy()).getThrowable();
    return mask(
        event.getLevel() + " " + event.getLoggerName() + " - " + message
            + ShortTrace.of(thrown, Debugging.OWN_FRAMES));
  }

  static String mask(String text) {
    return text.replaceAll("@[0-9a-f]{4,}", "@…")
        .replaceAll("/0x[0-9a-f]+", "/0x…")
        .replaceAll("blocked for \\d+ ms", "blocked for … ms")
        .replaceAll("was due [0-9.]+s", "was due …s");
  }
}
