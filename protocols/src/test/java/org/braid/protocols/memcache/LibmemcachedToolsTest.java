package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server driven by a memcache client Braid did not write: libmemcached's command-line
 * tools (Debian package {@code libmemcached-tools}, where they are named {@code memccp}, {@code
 * memccat}, ...; elsewhere {@code memcp}, {@code memcat}, ...), run as processes against a real
 * memcached and against the embedded server, with the same outputs expected from both. Plus
 * libmemcached's protocol checker ({@code memcapable}) test by test, and a short memslap load run.
 * Fails, rather than skips, when the tools are not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LibmemcachedToolsTest {
  private static final Duration TOOL_BOUND = Duration.ofSeconds(60);

  /** The ascii tests of memcapable, by the names its -T option takes. */
  private static final List<String> CAPABLE_ASCII_TESTS = List.of("ascii version", "ascii quit",
      "ascii verbosity", "ascii set", "ascii set noreply", "ascii get", "ascii gets",
      "ascii mget", "ascii flush", "ascii flush noreply", "ascii add", "ascii add noreply",
      "ascii replace", "ascii replace noreply", "ascii cas", "ascii cas noreply", "ascii delete",
      "ascii delete noreply", "ascii incr", "ascii incr noreply", "ascii decr",
      "ascii decr noreply", "ascii append", "ascii append noreply", "ascii prepend",
      "ascii prepend noreply", "ascii stat");

  private RealMemcached memcached;
  private RunningReactor running;
  private MemcacheServer braid;
  @TempDir Path directory;

  /** The result of one tool run, with the server's port replaced by PORT. */
  private record Run(String command, int exitCode, String stdout, String stderr) {}

  @BeforeAll
  void start() throws Exception {
    tool("cat"); // fail first, with the install command, when the tools are missing
    memcached = RealMemcached.start();
    running = RunningReactor.start();
    braid = running.await(() -> MemcacheServer.start(running.reactor, 0));
  }

  @AfterAll
  void stop() throws Exception {
    if (braid != null) {
      running.await(braid::stop);
    }
    if (running != null) {
      running.close();
    }
    if (memcached != null) {
      memcached.close();
    }
  }

  /** A libmemcached tool by its short name ("cat"): memccat on Debian, memcat elsewhere. */
  private static Path tool(String name) {
    for (String candidate : List.of("memc" + name, "mem" + name)) {
      Path path = Path.of("/usr/bin", candidate);
      if (Files.isExecutable(path)) {
        return path;
      }
    }
    throw new AssertionError("libmemcached tool mem" + name + " (memc" + name + " on Debian) not"
        + " found in /usr/bin: install it with `apt-get install -y memcached"
        + " libmemcached-tools` (CI does so in .ci/run).");
  }

  private Run run(int port, String name, String... arguments) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(tool(name).toString());
    command.add("--servers=127.0.0.1:" + port);
    command.addAll(List.of(arguments));
    Path out = directory.resolve("stdout");
    Path err = directory.resolve("stderr");
    Process process = new ProcessBuilder(command).directory(directory.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!process.waitFor(TOOL_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within " + TOOL_BOUND);
    }
    String shown = "mem" + name + " " + String.join(" ", arguments);
    return new Run(shown, process.exitValue(), read(out, port), read(err, port));
  }

  private static String read(Path file, int port) throws IOException {
    // ISO-8859-1: the tools print values' raw bytes.
    return Files.readString(file, StandardCharsets.ISO_8859_1)
        .replace(Integer.toString(port), "PORT");
  }

  /** The command-line scenario, run against one server. */
  private List<Run> scenario(int port) throws Exception {
    Files.writeString(directory.resolve("greeting"), "hello\r\nworld\n");
    Files.write(directory.resolve("binary"), new byte[] {0, 1, 2, (byte) 0xFF, '\r', '\n'});
    List<Run> runs = new ArrayList<>();
    runs.add(run(port, "flush"));
    runs.add(run(port, "cp", "-v", "--flags=7", "--expire=3600", "greeting"));
    runs.add(run(port, "cp", "binary"));
    runs.add(run(port, "cat", "-v", "--flags", "greeting", "binary", "missing"));
    runs.add(run(port, "cp", "-v", "--add", "greeting"));
    runs.add(run(port, "cp", "-v", "--replace", "binary"));
    runs.add(run(port, "exist", "-v", "greeting"));
    runs.add(run(port, "exist", "-v", "missing"));
    runs.add(run(port, "touch", "-v", "--expire=100", "greeting"));
    runs.add(run(port, "touch", "-v", "missing"));
    runs.add(run(port, "rm", "-v", "greeting"));
    runs.add(run(port, "rm", "-v", "greeting"));
    runs.add(run(port, "cat", "greeting", "binary"));
    runs.add(run(port, "ping"));
    runs.add(run(port, "flush"));
    runs.add(run(port, "cat", "binary"));
    return runs;
  }

  @Test
  void theCommandLineToolsPrintTheSameAgainstMemcachedAndTheEmbeddedServer() throws Exception {
    List<Run> fromMemcached = scenario(memcached.port());
    List<Run> fromBraid = scenario(braid.port());

    assertThat(fromBraid).containsExactlyElementsOf(fromMemcached);
    // The scenario means something: the tools saw stored values and misses.
    assertThat(fromMemcached.get(3).stdout()).contains("flags: 7", "value: hello\r\nworld\n");
    assertThat(fromMemcached.get(3).stderr()).contains("Could not find key 'missing'");
    assertThat(fromMemcached.stream().map(Run::exitCode)).contains(0, 1);
  }

  @Test
  void memstatReportsOnlyStatisticsThatMemcachedReportsToo() throws Exception {
    Map<String, String> fromMemcached = memstat(memcached.port());
    Map<String, String> fromBraid = memstat(braid.port());

    assertThat(fromMemcached.keySet()).containsAll(fromBraid.keySet());
    assertThat(fromBraid).containsEntry("pid", Long.toString(ProcessHandle.current().pid()))
        .containsEntry("version", MemcacheServer.DEFAULT_VERSION)
        .containsEntry("limit_maxbytes", fromMemcached.get("limit_maxbytes"))
        .containsEntry("max_connections", fromMemcached.get("max_connections"));
    assertThat(fromBraid).hasSizeGreaterThan(30);
  }

  private Map<String, String> memstat(int port) throws Exception {
    Run run = run(port, "stat");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    Map<String, String> stats = new LinkedHashMap<>();
    Matcher line = Pattern.compile("(?m)^\\t(\\w+): (.*)$").matcher(run.stdout());
    while (line.find()) {
      stats.put(line.group(1), line.group(2));
    }
    return stats;
  }

  @Test
  void memcapablesAsciiTestsGiveTheSameVerdictsExceptVerbosity() throws Exception {
    Map<String, String> fromMemcached = memcapable(memcached.port());
    Map<String, String> fromBraid = memcapable(braid.port());

    assertThat(fromMemcached).hasSize(CAPABLE_ASCII_TESTS.size());
    // The embedded server does not know "verbosity" (it answers ERROR): the only difference.
    assertThat(fromMemcached).containsEntry("ascii verbosity", "pass");
    assertThat(fromBraid).containsEntry("ascii verbosity", "FAIL");
    fromMemcached.remove("ascii verbosity");
    fromBraid.remove("ascii verbosity");
    assertThat(fromBraid).isEqualTo(fromMemcached);
    assertThat(fromBraid).containsEntry("ascii cas", "pass").containsEntry("ascii stat", "pass");
  }

  /** Each ascii test alone (the binary ones would wait for their I/O timeout on Braid). */
  private Map<String, String> memcapable(int port) throws Exception {
    Map<String, String> verdicts = new LinkedHashMap<>();
    for (String test : CAPABLE_ASCII_TESTS) {
      Process process = new ProcessBuilder(tool("capable").toString(), "-h", "127.0.0.1",
          "-p", Integer.toString(port), "-t", "2", "-T", test)
          .redirectErrorStream(true).redirectOutput(directory.resolve("capable").toFile()).start();
      if (!process.waitFor(TOOL_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("memcapable -T '" + test + "' did not finish");
      }
      String output = Files.readString(directory.resolve("capable"), StandardCharsets.UTF_8);
      Matcher verdict = Pattern.compile(Pattern.quote(test) + "\\s+\\[(pass|FAIL)\\]")
          .matcher(output);
      assertThat(verdict.find()).as("memcapable output for %s: %s", test, output).isTrue();
      verdicts.put(test, verdict.group(1));
    }
    return verdicts;
  }

  @Test
  void aShortMemslapLoadReachesBothServersRequestForRequest() throws Exception {
    Map<String, Long> onMemcached = memslap(memcached.port());
    Map<String, Long> onBraid = memslap(braid.port());

    assertThat(onBraid).isEqualTo(onMemcached);
    assertThat(onBraid.get("cmd_set")).isEqualTo(4 * 2000 + 2000 + 500);
    assertThat(onBraid.get("cmd_get")).isEqualTo(4 * 2000 + 4 * 500);
    assertThat(onBraid.get("get_hits")).isEqualTo(onBraid.get("cmd_get"));
  }

  /** Runs set, get and mget load (4 threads each) and returns how the counters moved. */
  private Map<String, Long> memslap(int port) throws Exception {
    Map<String, String> before = memstat(port);
    for (String[] load : List.of(
        new String[] {"--test=set", "--concurrency=4", "--execute-number=2000"},
        new String[] {"--test=get", "--concurrency=4", "--execute-number=2000"},
        new String[] {"--test=mget", "--concurrency=4", "--execute-number=500"})) {
      Run run = run(port, "slap", load);
      assertThat(run.exitCode()).as(run.toString()).isZero();
      assertThat(run.stdout()).contains("Time total:");
    }
    Map<String, String> after = memstat(port);
    Map<String, Long> moved = new LinkedHashMap<>();
    Set<String> counters = new LinkedHashSet<>(List.of("cmd_set", "cmd_get", "get_hits",
        "get_misses", "evictions"));
    for (String counter : counters) {
      moved.put(counter, Long.parseLong(after.get(counter)) - Long.parseLong(before.get(counter)));
    }
    return moved;
  }
}
