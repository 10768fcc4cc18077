package org.braid.tutorial.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the tutorial's prose and its code in step: every code block in {@code tutorial/docs/*.md}
 * that is marked {@code <!-- include: path#tag -->} must equal the tagged region ({@code //
 * tag::name[]} ... {@code // end::name[]}) of that compiled, tested source, and the tag must
 * exist. A missing tag or a stale block fails the build.
 *
 * <p>To refresh the blocks after changing the code, run the tests with {@code
 * -Dtutorial.updateDocs=true}; the blocks are rewritten and the test passes.
 */
class IncludedCodeTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Pattern BLOCK =
      Pattern.compile(
          "<!-- include: (?<path>[^#\\s]+)#(?<tag>[\\w-]+) -->\\n```java\\n(?<code>.*?)```\\n",
          Pattern.DOTALL);

  @Test
  void everyIncludedBlockMatchesItsTaggedSourceRegion() throws IOException {
    boolean update = Boolean.getBoolean("tutorial.updateDocs");
    List<String> problems = new ArrayList<>();
    int blocks = 0;
    try (Stream<Path> docs = Files.list(MODULE.resolve("docs"))) {
      for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        String text = Files.readString(doc);
        Matcher m = BLOCK.matcher(text);
        StringBuilder rewritten = new StringBuilder();
        while (m.find()) {
          blocks++;
          String where = MODULE.relativize(doc) + " includes " + m.group("path") + "#" + m.group("tag");
          String region = taggedRegion(MODULE.resolve(m.group("path")), m.group("tag"), where);
          if (region == null) {
            problems.add(where + ": no such tag in the source (tag::" + m.group("tag") + "[])");
            m.appendReplacement(rewritten, Matcher.quoteReplacement(m.group()));
            continue;
          }
          if (!region.equals(m.group("code")) && !update) {
            problems.add(where + ": the block is stale; rerun with -Dtutorial.updateDocs=true");
          }
          m.appendReplacement(
              rewritten,
              Matcher.quoteReplacement(
                  "<!-- include: " + m.group("path") + "#" + m.group("tag") + " -->\n```java\n"
                      + region + "```\n"));
        }
        m.appendTail(rewritten);
        if (update && !rewritten.toString().equals(text)) {
          Files.writeString(doc, rewritten.toString());
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(blocks).as("included code blocks found").isPositive();
  }

  /** The lines between the tag markers, de-indented, or null when the tag is missing. */
  static String taggedRegion(Path source, String tag, String where) throws IOException {
    if (!Files.exists(source)) {
      throw new AssertionError(where + ": source file " + source + " does not exist");
    }
    List<String> lines = Files.readAllLines(source);
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.equals("// tag::" + tag + "[]")) {
        start = i + 1;
      } else if (line.equals("// end::" + tag + "[]") && start >= 0) {
        end = i;
        break;
      }
    }
    if (start < 0 || end < 0) {
      return null;
    }
    List<String> region = lines.subList(start, end);
    int indent =
        region.stream()
            .filter(l -> !l.isBlank())
            .mapToInt(l -> l.length() - l.stripLeading().length())
            .min()
            .orElse(0);
    StringBuilder out = new StringBuilder();
    for (String line : region) {
      out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
    }
    return out.toString();
  }
}
