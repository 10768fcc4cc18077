package org.braid.tutorial;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A stack trace cut down to the frames of one class, for the debugging chapter's transcripts:
 * the exception's line, the frames of that class (and its nested classes and lambdas), "..." for
 * each run of frames elsewhere (the
 * reactor's, the JDK's, the test runner's, which differ from run to run), then its suppressed
 * exceptions and causes the same way, as {@code printStackTrace} nests them.
 *
 * <p>Thread-safe (stateless).
 */
public final class ShortTrace {
  private ShortTrace() {}

  /**
   * Renders {@code error} keeping only the frames of {@code own}.
   *
   * @param error the exception
   * @param own the class whose frames to keep
   * @return the trace, one line per kept frame, each line ending in a newline
   */
  public static String of(Throwable error, Class<?> own) {
    StringBuilder out = new StringBuilder();
    render(error, own.getName(), "", "", out, Collections.newSetFromMap(new IdentityHashMap<>()));
    return out.toString();
  }

  private static boolean isOwn(String className, String own) {
    return className.equals(own) || className.startsWith(own + "$");
  }

  /**
   * Keeps the lines of a multi-line message that are not stack frames ({@code "at ..."}), and
   * the frames of {@code own}; each run of other frames becomes one "...".
   *
   * @param text e.g. an {@code AlreadyCalledException} message in debug mode
   * @param own the class whose frames to keep
   * @return the filtered text, each line ending in a newline
   */
  public static String filterFrames(String text, Class<?> own) {
    StringBuilder out = new StringBuilder();
    boolean skipping = false;
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("at ") && !isOwnFrame(trimmed.substring(3), own.getName())) {
        if (!skipping) {
          out.append(line, 0, line.indexOf("at ")).append("...\n");
          skipping = true;
        }
        continue;
      }
      skipping = false;
      if (!line.isEmpty()) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** Whether a printed frame, {@code class.method(File.java:1)}, is one of {@code own}'s. */
  private static boolean isOwnFrame(String frame, String own) {
    int paren = frame.indexOf('(');
    String qualifiedMethod = paren < 0 ? frame : frame.substring(0, paren);
    int dot = qualifiedMethod.lastIndexOf('.');
    return dot > 0 && isOwn(qualifiedMethod.substring(0, dot), own);
  }

  private static void render(
      Throwable error, String own, String indent, String label, StringBuilder out,
      Set<Throwable> seen) {
    if (!seen.add(error)) {
      out.append(indent).append(label).append("[CIRCULAR REFERENCE: ").append(error).append("]\n");
      return;
    }
    out.append(indent).append(label).append(error).append('\n');
    boolean skipping = false;
    for (StackTraceElement frame : error.getStackTrace()) {
      if (isOwn(frame.getClassName(), own)) {
        out.append(indent).append("\tat ").append(frame).append('\n');
        skipping = false;
      } else if (!skipping) {
        out.append(indent).append("\t...\n");
        skipping = true;
      }
    }
    for (Throwable suppressed : error.getSuppressed()) {
      render(suppressed, own, indent + "\t", "Suppressed: ", out, seen);
    }
    if (error.getCause() != null) {
      render(error.getCause(), own, indent, "Caused by: ", out, seen);
    }
  }
}
