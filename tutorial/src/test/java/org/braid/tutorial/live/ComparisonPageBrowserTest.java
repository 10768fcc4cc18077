package org.braid.tutorial.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.braid.tutorial.Walkthrough;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job on real sockets, and its page in a real browser: the walkthrough (with a small
 * workload) passes every check in both styles, and Debian's headless chromium renders both
 * columns, side by side, for every hard case, both on the page this run wrote and on the page
 * committed beside the module. Without chromium the test fails and says how to install it.
 */
class ComparisonPageBrowserTest {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path PAGE = MODULE.resolve("target/comparison-test.html");
  private static final long BROWSER_SECONDS = 90;

  private static boolean walkthroughPassed;

  @BeforeAll
  static void runTheWalkthroughWithASmallWorkload() throws Exception {
    walkthroughPassed = Walkthrough.run(PAGE, 20);
  }

  @Test
  void walkthroughPassesEveryCheckInBothStylesOnRealSockets() {
    assertThat(walkthroughPassed).isTrue();
    assertThat(PAGE).exists();
  }

  @Test
  void browserRendersBothColumnsForEveryHardCaseOnThePageThisRunWrote(@TempDir Path profile)
      throws Exception {
    assertBothColumnsRender(dumpDom(PAGE, profile));
  }

  @Test
  void browserRendersBothColumnsForEveryHardCaseOnTheCommittedPage(@TempDir Path profile)
      throws Exception {
    Path committed = MODULE.resolve("comparison.html");
    assertThat(committed).as("the committed page; regenerate it with the README's command").exists();
    assertBothColumnsRender(dumpDom(committed, profile));
  }

  @Test
  void browserTakesAScreenshotOfThePage(@TempDir Path profile) throws Exception {
    Path png = MODULE.resolve("target/comparison-test.png");
    Files.deleteIfExists(png);
    chromium(profile, "--window-size=1400,1800", "--screenshot=" + png, PAGE.toUri().toString());
    assertThat(png).exists();
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes.length).as("PNG size").isGreaterThan(20_000);
    assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
  }

  private static void assertBothColumnsRender(String dom) {
    assertThat(dom).as("the page's check script ran").contains("data-checked=\"yes\"");
    for (Operation op : Operation.values()) {
      assertThat(dom)
          .as("hard case %s shows both columns side by side", op.tag())
          .containsPattern("data-op=\"" + op.tag() + "\"[^>]*data-rendered=\"side-by-side\"");
    }
    assertThat(dom).doesNotContain("data-rendered=\"broken\"");
  }

  private static String dumpDom(Path page, Path profile) throws Exception {
    return chromium(profile, "--dump-dom", page.toUri().toString());
  }

  private static String chromium(Path profile, String... args) throws Exception {
    String browser = findChromium();
    List<String> command = new ArrayList<>(List.of(browser, "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path stdout = Files.createTempFile(profile, "out", ".txt");
    Path stderr = Files.createTempFile(profile, "err", ".txt");
    Process p = new ProcessBuilder(command)
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile())
        .start();
    if (!p.waitFor(BROWSER_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("chromium did not finish within " + BROWSER_SECONDS + " s: " + command);
    }
    if (p.exitValue() != 0) {
      fail("chromium exited with " + p.exitValue() + ": " + Files.readString(stderr));
    }
    return Files.readString(stdout);
  }

  private static String findChromium() throws IOException {
    for (String name : List.of("chromium", "chromium-browser")) {
      for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    fail("chromium is not installed: the comparison page is checked in a real headless browser."
        + " Install Debian's chromium with: apt-get install -y chromium");
    return null;
  }
}
