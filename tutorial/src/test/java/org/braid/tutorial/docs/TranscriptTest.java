package org.braid.tutorial.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.braid.tutorial.DebuggingTranscripts;
import org.junit.jupiter.api.Test;

/**
 * Keeps the output the prose shows true: every block in {@code tutorial/docs/*.md} marked {@code
 * <!-- output: name -->} must equal what the named scene prints when this test runs it (see
 * {@link DebuggingTranscripts}), and the name must exist. Output is never pasted: a stale block
 * fails the build, and {@code -Dtutorial.updateDocs=true} rewrites it from the run.
 */
class TranscriptTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Pattern BLOCK =
      Pattern.compile(
          "<!-- output: (?<name>[\\w-]+) -->\\n```text\\n(?<text>.*?)```\\n", Pattern.DOTALL);

  @Test
  void everyOutputBlockMatchesWhatItsScenePrints() throws Exception {
    boolean update = Boolean.getBoolean("tutorial.updateDocs");
    Map<String, Callable<String>> scenes = DebuggingTranscripts.all();
    List<String> problems = new ArrayList<>();
    List<String> shown = new ArrayList<>();
    try (Stream<Path> docs = Files.list(MODULE.resolve("docs"))) {
      for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        String text = Files.readString(doc);
        Matcher m = BLOCK.matcher(text);
        StringBuilder rewritten = new StringBuilder();
        while (m.find()) {
          String name = m.group("name");
          String where = MODULE.relativize(doc) + " shows output " + name;
          Callable<String> scene = scenes.get(name);
          if (scene == null) {
            problems.add(where + ": no such scene; known: " + scenes.keySet());
            m.appendReplacement(rewritten, Matcher.quoteReplacement(m.group()));
            continue;
          }
          shown.add(name);
          String output = scene.call();
          if (!output.equals(m.group("text")) && !update) {
            problems.add(where + ": the block is stale; rerun with -Dtutorial.updateDocs=true");
          }
          m.appendReplacement(
              rewritten,
              Matcher.quoteReplacement("<!-- output: " + name + " -->\n```text\n" + output + "```\n"));
        }
        m.appendTail(rewritten);
        if (update && !rewritten.toString().equals(text)) {
          Files.writeString(doc, rewritten.toString());
        }
      }
    }
    assertThat(problems).isEmpty();
    assertThat(shown).as("scenes whose output the prose shows").containsAll(scenes.keySet());
  }
}
