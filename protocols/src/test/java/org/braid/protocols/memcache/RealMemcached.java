package org.braid.protocols.memcache;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test support: a real memcached (the Debian package {@code memcached}) as a child process on a
 * free loopback port, UDP off, one worker thread. Missing binary: the test fails, with the command
 * that installs it (CI installs it in {@code .ci/run}; skipping would hide that it stopped
 * running).
 */
final class RealMemcached implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/memcached");
  private static final Duration STARTUP = Duration.ofSeconds(10);

  private final Process process;
  private final int port;
  private final Path log;

  private RealMemcached(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Fails the calling test, saying what to install, when memcached is missing. */
  static void requireInstalled() {
    if (!Files.isExecutable(BINARY)) {
      throw new AssertionError(BINARY + " not found: these tests run against a real memcached."
          + " Install it with `apt-get install -y memcached libmemcached-tools` (CI does so in"
          + " .ci/run).");
    }
  }

  /** Starts memcached with its defaults (64 MiB, 1 MiB items) and waits until it accepts. */
  static RealMemcached start(String... extraArguments) throws IOException, InterruptedException {
    requireInstalled();
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      try {
        return start(port, extraArguments);
      } catch (IOException e) {
        last = e; // another process took the port between probing and binding: try another
      }
    }
    throw last;
  }

  private static RealMemcached start(int port, String... extraArguments)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "-l", "127.0.0.1",
        "-p", Integer.toString(port), "-U", "0", "-t", "1"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("-u", "root")); // memcached refuses to run as root without -u
    }
    command.addAll(List.of(extraArguments));
    Path log = Files.createTempFile("memcached-" + port + "-", ".log");
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    RealMemcached memcached = new RealMemcached(process, port, log);
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        throw new IOException("memcached exited with " + process.exitValue() + " before"
            + " accepting on port " + port + ": " + output.strip());
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return memcached;
      } catch (IOException notYet) {
        process.waitFor(20, TimeUnit.MILLISECONDS); // a bounded pause between probes
      }
    }
    memcached.close();
    throw new AssertionError("memcached did not accept on port " + port + " within " + STARTUP);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** "127.0.0.1:port", as libmemcached's --servers takes it. */
  String server() {
    return "127.0.0.1:" + port;
  }

  /** Freezes the process (SIGSTOP): it keeps its sockets and answers nothing. */
  void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Thaws a paused process (SIGCONT). */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Kills the process at once (SIGKILL works on a paused one too) and waits for it. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new AssertionError("memcached " + process.pid() + " did not die within 10 s");
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    try {
      Files.deleteIfExists(log);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "memcached pid " + process.pid() + " on " + server();
  }
}
