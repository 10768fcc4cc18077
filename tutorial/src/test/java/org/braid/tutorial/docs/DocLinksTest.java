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
 * Keeps the tutorial navigable: chapters are numbered 1, 2, ... in file order with matching
 * titles, the README's table of contents links every chapter and the comparison page, and every
 * relative link in the README and the chapters points at a file that exists.
 */
class DocLinksTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Pattern LINK = Pattern.compile("\\]\\((?<target>[^)#\\s]+)(#[^)]*)?\\)");
  private static final Pattern TITLE = Pattern.compile("# Chapter (?<n>\\d+) — .+");

  private static List<Path> chapters() throws IOException {
    try (Stream<Path> docs = Files.list(MODULE.resolve("docs"))) {
      return docs.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
  }

  @Test
  void chaptersAreNumberedInFileOrderAndTheirTitlesSaySo() throws IOException {
    List<Path> chapters = chapters();
    for (int i = 0; i < chapters.size(); i++) {
      Path chapter = chapters.get(i);
      String number = String.format("%02d-", i + 1);
      assertThat(chapter.getFileName().toString()).startsWith(number);
      Matcher title = TITLE.matcher(Files.readAllLines(chapter).get(0));
      assertThat(title.matches()).as("first line of %s is '# Chapter n — title'", chapter).isTrue();
      assertThat(Integer.parseInt(title.group("n"))).as("number in %s", chapter).isEqualTo(i + 1);
    }
  }

  @Test
  void readmeLinksEveryChapterAndTheComparisonPage() throws IOException {
    String readme = Files.readString(MODULE.resolve("README.md"));
    for (Path chapter : chapters()) {
      assertThat(readme).contains("](docs/" + chapter.getFileName() + ")");
    }
    assertThat(readme).contains("](comparison.html)", "](comparison.png)");
  }

  @Test
  void everyRelativeLinkPointsAtAFileThatExists() throws IOException {
    List<Path> pages = new ArrayList<>(chapters());
    pages.add(MODULE.resolve("README.md"));
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      Matcher link = LINK.matcher(Files.readString(page));
      while (link.find()) {
        String target = link.group("target");
        if (target.contains("://")) {
          continue;
        }
        if (!Files.exists(page.getParent().resolve(target).normalize())) {
          broken.add(MODULE.relativize(page) + " -> " + target);
        }
      }
    }
    assertThat(broken).isEmpty();
  }
}
