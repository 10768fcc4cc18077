package org.braid.tutorial.measure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tagged region of a recipe's source and what it is made of: lines of code, callbacks added,
 * awaits. The sources travel in the tutorial's class path under {@code tutorial-sources/} (the
 * build copies them), so the page shows exactly the code that was compiled and run.
 *
 * @param code the region, de-indented
 * @param lines lines that are neither blank nor only a comment
 * @param callbacks calls that add to a Deferred's chain ({@code addCallback}, {@code addErrback},
 *     {@code addBoth}, their {@code ...Deferring} forms, {@code addCallbacks})
 * @param awaits calls of {@code await}, {@code awaitAll}, {@code awaitFirst}
 */
public record SourceFacts(String code, int lines, int callbacks, int awaits) {
  private static final Pattern CALLBACK =
      Pattern.compile("\\.(addCallback|addCallbackDeferring|addErrback|addErrbackDeferring"
          + "|addBoth|addBothDeferring|addCallbacks)\\(");
  private static final Pattern AWAIT = Pattern.compile("\\bawait(All|First)?\\(");

  /**
   * Reads a region from the packaged sources. Any thread.
   *
   * @param file the source file's name, e.g. {@code "CallbackRecipes.java"}
   * @param tag the region's tag, e.g. {@code "lock-callback"}
   * @return the facts
   * @throws IllegalArgumentException when the file or the tag is missing
   */
  public static SourceFacts read(String file, String tag) {
    String path = "tutorial-sources/" + file;
    try (InputStream in = SourceFacts.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no packaged source " + path + " on the class path");
      }
      return of(region(new String(in.readAllBytes(), StandardCharsets.UTF_8), tag, path));
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + path, e);
    }
  }

  /**
   * Measures a piece of code. Any thread.
   *
   * @param code the code
   * @return the facts
   */
  public static SourceFacts of(String code) {
    int lines = 0;
    for (String line : code.split("\n")) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("//") && !t.startsWith("/*") && !t.startsWith("*")) {
        lines++;
      }
    }
    return new SourceFacts(code, lines, count(CALLBACK, code), count(AWAIT, code));
  }

  private static int count(Pattern p, String code) {
    Matcher m = p.matcher(code);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** The lines between {@code // tag::tag[]} and {@code // end::tag[]}, de-indented. */
  static String region(String source, String tag, String where) {
    List<String> lines = List.of(source.split("\n", -1));
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      String t = lines.get(i).strip();
      if (t.equals("// tag::" + tag + "[]")) {
        start = i + 1;
      } else if (t.equals("// end::" + tag + "[]") && start >= 0) {
        end = i;
        break;
      }
    }
    if (start < 0 || end < 0) {
      throw new IllegalArgumentException(where + " has no region tagged " + tag);
    }
    List<String> region = new ArrayList<>(lines.subList(start, end));
    int indent = region.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : region) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }
}
