package org.braid.tutorial;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.braid.deferred.Deferred;
import org.braid.protocols.examples.LineClient;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;

/**
 * Chapter 1, "Why waiting is the problem": twenty requests to a server that takes 50 ms to answer
 * each, made three ways, and timed. One after another on blocking sockets, the client spends the
 * whole time waiting; with a platform thread per request it waits twenty times in parallel; on
 * one reactor thread with Deferreds it does not wait at all, and one thread carries every
 * connection, the server's included.
 *
 * <p>Runs on real sockets on 127.0.0.1 and real time. Call {@link #run()} from a plain thread (not
 * a reactor thread): it starts a reactor of its own and stops it before returning.
 */
public final class WhyWaiting {
  /** How many requests each way makes. */
  public static final int REQUESTS = 20;

  /** How long the server takes to answer one request. */
  public static final Duration SERVER_DELAY = Duration.ofMillis(50);

  /** How long a blocking read may wait before the demo gives up, so that it never hangs. */
  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final PrintStream out;

  /**
   * Creates the chapter.
   *
   * @param out where the chapter prints its timings
   */
  public WhyWaiting(PrintStream out) {
    this.out = out;
  }

  /**
   * One way of making the requests: its answers, in request order, and the time they took.
   *
   * @param way how the requests were made
   * @param threads how many client threads it used
   * @param answers the answers, the i-th for the number i + 1
   * @param elapsed wall-clock time from the first request to the last answer
   */
  public record Outcome(String way, int threads, List<String> answers, Duration elapsed) {}

  /**
   * Starts the slow server and makes the requests three ways.
   *
   * @return the three outcomes, in the order they ran
   * @throws Exception when a request fails
   */
  public List<Outcome> run() throws Exception {
    out.printf(Locale.ROOT, "   %d requests to a server that answers each after %d ms:%n",
        REQUESTS, SERVER_DELAY.toMillis());
    List<Outcome> outcomes = new ArrayList<>();
    try (ReactorThread server = ReactorThread.start("braid-reactor-why-waiting")) {
      ListeningPort port =
          server.call(() -> Deferred.succeed(SlowSquareServer.listen(server.reactor(), SERVER_DELAY)));
      int portNumber = ((InetSocketAddress) port.getHost()).getPort();
      outcomes.add(time("one after another, blocking", 1, () -> oneAfterAnother(portNumber)));
      outcomes.add(
          time("a platform thread per request", REQUESTS, () -> threadPerRequest(portNumber)));
      outcomes.add(
          time(
              "all at once, one reactor thread",
              0,
              () -> server.call(() -> allAtOnce(server.reactor(), portNumber))));
    }
    for (Outcome o : outcomes) {
      String threads =
          switch (o.threads()) {
            case 0 -> "no thread of its own (the server's reactor thread)";
            case 1 -> "1 client thread";
            default -> o.threads() + " client threads";
          };
      out.printf(Locale.ROOT, "   %-33s %2d answers in %5d ms, %s%n",
          o.way() + ":", o.answers().size(), o.elapsed().toMillis(), threads);
    }
    return outcomes;
  }

  private Outcome time(String way, int threads, Callable<List<String>> requests) throws Exception {
    long start = System.nanoTime();
    List<String> answers = requests.call();
    return new Outcome(way, threads, answers, Duration.ofNanos(System.nanoTime() - start));
  }

  // tag::blocking[]
  /** Asks for the square of {@code n} on a blocking socket: the thread waits for the answer. */
  static String askBlocking(int port, int n) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      OutputStream request = socket.getOutputStream();
      request.write((n + "\r\n").getBytes(UTF_8));
      request.flush();
      var reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
      return reply.readLine(); // 50 ms of doing nothing
    }
  }

  static List<String> oneAfterAnother(int port) throws IOException {
    List<String> answers = new ArrayList<>();
    for (int n = 1; n <= REQUESTS; n++) {
      answers.add(askBlocking(port, n)); // the next request waits for this answer
    }
    return answers;
  }
  // end::blocking[]

  // tag::threads[]
  static List<String> threadPerRequest(int port) throws Exception {
    try (ExecutorService threads = Executors.newFixedThreadPool(REQUESTS)) {
      List<Callable<String>> requests = new ArrayList<>();
      for (int n = 1; n <= REQUESTS; n++) {
        int number = n;
        requests.add(() -> askBlocking(port, number)); // each thread waits for its own answer
      }
      List<String> answers = new ArrayList<>();
      for (Future<String> answer : threads.invokeAll(requests)) {
        answers.add(answer.get());
      }
      return answers;
    }
  }
  // end::threads[]

  // tag::deferreds[]
  /** On the reactor thread: sends every request at once; nothing waits. */
  static Deferred<List<String>> allAtOnce(Reactor reactor, int port) {
    List<Deferred<List<String>>> replies = new ArrayList<>();
    for (int n = 1; n <= REQUESTS; n++) {
      replies.add(LineClient.converse(reactor, "127.0.0.1", port, List.of(Integer.toString(n))));
    }
    return Deferred.gatherResults(replies) // fires when the last answer is in
        .addCallback(perConnection -> perConnection.stream().map(lines -> lines.get(0)).toList());
  }
  // end::deferreds[]
}
