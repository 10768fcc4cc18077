package org.braid.protocols.memcache;

import java.io.PrintStream;
import org.braid.reactor.SelectorReactor;
import org.braid.reactor.TriggerPhase;

/**
 * The embedded memcache server as a command, for trying clients against it and for tests that
 * drive it from other processes:
 *
 * <pre>
 * java -cp ... org.braid.protocols.memcache.MemcacheServerMain --port 11211 \
 *     --memory-limit-mb 64 --max-connections 1024 --failure-mode normal
 * </pre>
 *
 * Once listening it prints {@code memcache server listening on 127.0.0.1:11211} (the real port
 * when {@code --port 0} asked for any free one) on standard output. SIGINT and SIGTERM stop it
 * gracefully: it stops listening, closes its connections and exits with 0. A bad option exits
 * with 2, a port it cannot bind with 1. See {@link #USAGE} for every option.
 */
public final class MemcacheServerMain {
  /** The help text. */
  public static final String USAGE = """
      usage: MemcacheServerMain [options]
        --port N               TCP port, 0 for any free one (default 11211)
        --listen ADDRESS       address to bind (default 127.0.0.1; 0.0.0.0 for all: no auth!)
        --memory-limit-mb N    item memory in MiB, least recently used evicted (default 64)
        --max-connections N    connections served at once (default 1024)
        --max-item-size BYTES  largest value (default 1048576)
        --failure-mode MODE    normal | refuse-connect | accept-then-close | never-answer |
                               answer-half-then-stall | slow:<250ms|2s> | fail-nth-write:<n>
                               (default normal)
        --help                 this text""";

  private MemcacheServerMain() {}

  /** The command line, read. */
  private record Options(int port, String listen, long memoryLimitMb, int maxConnections,
      int maxItemSize, MemcacheFailureMode failureMode, boolean help) {

    static Options parse(String[] args) {
      int port = MemcacheServer.DEFAULT_PORT;
      String listen = MemcacheServer.DEFAULT_INTERFACE;
      long memoryLimitMb = MemcacheServer.DEFAULT_MEMORY_LIMIT / (1024 * 1024);
      int maxConnections = MemcacheServer.DEFAULT_MAX_CONNECTIONS;
      int maxItemSize = MemcacheLimits.DEFAULTS.maxValueLength();
      MemcacheFailureMode failureMode = MemcacheFailureMode.NORMAL;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--help") || arg.equals("-h")) {
          return new Options(port, listen, memoryLimitMb, maxConnections, maxItemSize,
              failureMode, true);
        }
        String name = arg;
        String value;
        int equals = arg.indexOf('=');
        if (arg.startsWith("--") && equals > 0) {
          name = arg.substring(0, equals);
          value = arg.substring(equals + 1);
        } else if (i + 1 < args.length) {
          value = args[++i];
        } else {
          throw new IllegalArgumentException("option " + arg + " needs a value");
        }
        switch (name) {
          case "--port" -> port = number(name, value, 0, 65535);
          case "--listen" -> listen = value;
          case "--memory-limit-mb" -> memoryLimitMb = number(name, value, 1, 1 << 20);
          case "--max-connections" -> maxConnections = number(name, value, 1, 1 << 20);
          case "--max-item-size" -> maxItemSize = number(name, value, 1, 1 << 30);
          case "--failure-mode" -> failureMode = MemcacheFailureMode.parse(value);
          default -> throw new IllegalArgumentException("unknown option " + name);
        }
      }
      return new Options(port, listen, memoryLimitMb, maxConnections, maxItemSize, failureMode,
          false);
    }

    private static int number(String name, String value, int min, int max) {
      int n;
      try {
        n = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " needs a number, got '" + value + "'", e);
      }
      if (n < min || n > max) {
        throw new IllegalArgumentException(name + " " + n + " is outside " + min + ".." + max);
      }
      return n;
    }
  }

  /**
   * Runs the server until SIGINT or SIGTERM.
   *
   * @param args the options in {@link #USAGE}
   */
  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the server until its reactor stops; what {@link #main} does, without exiting.
   *
   * @param args the options in {@link #USAGE}
   * @param out where the listening line goes
   * @param err where errors go
   * @return the exit status: 0 after a clean stop, 1 when it could not listen, 2 for bad options
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (options.help()) {
      out.println(USAGE);
      return 0;
    }
    SelectorReactor reactor = SelectorReactor.builder().installSignalHandlers(true).build();
    MemcacheServer server = MemcacheServer.builder(reactor)
        .interfaceAddress(options.listen())
        .memoryLimit(options.memoryLimitMb() * 1024 * 1024)
        .maxConnections(options.maxConnections())
        .limits(MemcacheLimits.DEFAULTS.withMaxValueLength(options.maxItemSize()))
        .failureMode(options.failureMode())
        .build();
    int[] status = {0};
    reactor.callWhenRunning(() -> server.listen(options.port()).addCallbacks(
        listening -> {
          out.println("memcache server listening on " + listening.where() + " ("
              + String.join(", ", listening.describeSettings()) + ")");
          out.flush();
          return null;
        },
        failure -> {
          err.println("error: " + failure.getErrorMessage());
          status[0] = 1;
          reactor.stop();
          return null;
        }));
    reactor.addSystemEventTriggerDeferring(TriggerPhase.BEFORE, "shutdown", server::stop);
    reactor.run();
    return status[0];
  }
}
