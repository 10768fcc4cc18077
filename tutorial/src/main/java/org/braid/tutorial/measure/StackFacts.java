package org.braid.tutorial.measure;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The stack trace a style produces for a failure, and how much of it points at the code that
 * failed: the recipe's own frames.
 *
 * @param exception the exception's type and message
 * @param frames the {@code at} lines in the whole trace (causes and suppressed included)
 * @param applicationFrames the {@code at} lines in the recipe classes
 * @param trace the trace as printed
 */
public record StackFacts(String exception, int frames, int applicationFrames, String trace) {
  /** The classes whose frames count as the application's. */
  public static final String APPLICATION_PREFIX = "org.braid.tutorial.recipes.";

  /**
   * Measures a failure's trace. Any thread.
   *
   * @param failure the exception the style's Deferred failed with
   * @return the facts
   */
  public static StackFacts of(Throwable failure) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      failure.printStackTrace(out);
    }
    String trace = text.toString();
    int frames = 0;
    int application = 0;
    for (String line : trace.split("\n")) {
      String t = line.strip();
      if (t.startsWith("at ")) {
        frames++;
        if (t.startsWith("at " + APPLICATION_PREFIX)) {
          application++;
        }
      }
    }
    return new StackFacts(
        failure.getClass().getSimpleName() + ": " + failure.getMessage(), frames, application, trace);
  }
}
