package org.braid.protocols.memcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The standalone command: its options, and the server it runs as a separate process. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemcacheServerMainTest {
  @TempDir Path directory;

  private record Outcome(int status, String out, String err) {}

  private static Outcome runInProcess(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = MemcacheServerMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(status, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void helpPrintsTheUsageAndExitsWithZero() {
    Outcome outcome = runInProcess("--help");

    assertThat(outcome.status()).isZero();
    assertThat(outcome.out()).startsWith("usage: MemcacheServerMain [options]")
        .contains("--failure-mode MODE", "--memory-limit-mb N", "--max-connections N");
  }

  @Test
  void aBadOptionExitsWithTwoNamingTheProblem() {
    Outcome badNumber = runInProcess("--port", "eleven");
    Outcome unknown = runInProcess("--colour", "blue");
    Outcome badMode = runInProcess("--failure-mode=sometimes");
    Outcome missing = runInProcess("--port");

    assertThat(badNumber.status()).isEqualTo(2);
    assertThat(badNumber.err()).startsWith("error: --port needs a number, got 'eleven'\nusage:");
    assertThat(unknown.err()).startsWith("error: unknown option --colour");
    assertThat(badMode.err()).startsWith("error: unknown failure mode 'sometimes'");
    assertThat(missing.err()).startsWith("error: option --port needs a value");
    assertThat(runInProcess("--max-connections", "0").err())
        .startsWith("error: --max-connections 0 is outside 1..1048576");
  }

  @Test
  void theCommandServesAsASeparateProcessWithItsOptionsAndStopsOnSigterm() throws Exception {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Path stdout = directory.resolve("stdout");
    Process process = new ProcessBuilder(List.of(java, "-cp", classPath,
        MemcacheServerMain.class.getName(), "--port", "0", "--memory-limit-mb", "2",
        "--max-connections", "3", "--max-item-size", "1000", "--failure-mode", "fail-nth-write:2"))
        .redirectOutput(stdout.toFile())
        .redirectError(directory.resolve("stderr").toFile())
        .start();
    try {
      String line = awaitLine(process, stdout, "memcache server listening");
      Matcher listening = Pattern.compile("memcache server listening on 127\\.0\\.0\\.1:(\\d+) "
          + "\\(memory limit 2097152 bytes, max connections 3, max item size 1000 bytes,"
          + " failure mode FAIL_NTH_WRITE 2\\)").matcher(String.valueOf(line));
      assertThat(listening.matches()).as("first line: %s", line).isTrue();
      int port = Integer.parseInt(listening.group(1));

      try (RawConnection connection = new RawConnection(port)) {
        connection.send("set a 0 0 1\r\n1\r\nset b 0 0 1\r\n2\r\nset c 0 0 1001\r\n"
            + "x".repeat(1001) + "\r\nstats\r\n");
        assertThat(connection.readLine()).isEqualTo("STORED\r\n");
        assertThat(connection.readLine()).startsWith("SERVER_ERROR injected failure");
        assertThat(connection.readLine()).isEqualTo("SERVER_ERROR object too large for cache\r\n");
        StringBuilder stats = new StringBuilder();
        for (String stat = connection.readLine(); !stat.equals("END\r\n");
            stat = connection.readLine()) {
          stats.append(stat);
        }
        assertThat(stats).contains("STAT pid " + process.pid() + "\r\n",
            "STAT max_connections 3\r\n", "STAT limit_maxbytes 2097152\r\n");
      }

      process.destroy(); // SIGTERM: the reactor stops gracefully
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      assertThat(process.exitValue()).isZero();
      assertThat(Files.readAllLines(stdout)).last().isEqualTo("memcache server stopped");
    } finally {
      process.destroyForcibly();
    }
  }

  /** Polls the process's output (bounded) for a line starting with {@code prefix}. */
  private static String awaitLine(Process process, Path output, String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the server exited with " + process.exitValue() + "; output: "
            + Files.readString(output));
      }
    }
    throw new AssertionError("no line starting '" + prefix + "' within 30 s: "
        + Files.readString(output));
  }

  @Test
  void aPortInUseExitsWithOne() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      Outcome outcome = runInProcess("--port", Integer.toString(taken.getLocalPort()));

      assertThat(outcome.status()).isEqualTo(1);
      assertThat(outcome.err()).startsWith("error: ").contains("cannot listen on TCP 127.0.0.1:"
          + taken.getLocalPort());
    }
  }
}
