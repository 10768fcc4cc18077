package org.braid.protocols.memcache;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a {@link MemcacheServer} misbehaves on purpose, so that tests and the tutorial can show what
 * a client does when a server fails (OkHttp's {@code SocketPolicy}). Set it when building the
 * server, at run time with {@link MemcacheServer#setFailureMode}, or on the command line with
 * {@code --failure-mode} ({@link #parse}).
 *
 * <table>
 *   <caption>The modes</caption>
 *   <tr><th>mode</th><th>command line</th><th>what the server does</th></tr>
 *   <tr><td>{@link #NORMAL}</td><td>{@code normal}</td><td>serves every request</td></tr>
 *   <tr><td>{@link #REFUSE_CONNECT}</td><td>{@code refuse-connect}</td><td>closes its listening
 *       socket, so connection attempts are refused by the kernel (connections already open go
 *       on); another mode listens again on the same port</td></tr>
 *   <tr><td>{@link #ACCEPT_THEN_CLOSE}</td><td>{@code accept-then-close}</td><td>accepts each new
 *       connection and closes it at once, writing nothing</td></tr>
 *   <tr><td>{@link #NEVER_ANSWER}</td><td>{@code never-answer}</td><td>reads requests and neither
 *       executes nor answers them</td></tr>
 *   <tr><td>{@link #ANSWER_HALF_THEN_STALL}</td><td>{@code answer-half-then-stall}</td><td>executes
 *       the next request, writes the first half of its reply's bytes, then ignores that
 *       connection's input and writes nothing more</td></tr>
 *   <tr><td>{@link #slow(Duration)}</td><td>{@code slow:250ms}, {@code slow:2s}</td><td>executes
 *       each request at once and writes its reply that long later on the reactor's clock, in
 *       order</td></tr>
 *   <tr><td>{@link #failNthWrite(int)}</td><td>{@code fail-nth-write:3}</td><td>answers the Nth
 *       storage command (set, add, replace, append, prepend, cas) counted from when the mode was
 *       set with {@code SERVER_ERROR injected failure ...} without executing it; every other
 *       request is served</td></tr>
 * </table>
 *
 * <p>Immutable; any thread.
 */
public sealed interface MemcacheFailureMode {

  /** Serves every request. */
  MemcacheFailureMode NORMAL = new Normal();

  /** Not listening: connection attempts are refused. */
  MemcacheFailureMode REFUSE_CONNECT = new RefuseConnect();

  /** Accepts each connection and closes it at once. */
  MemcacheFailureMode ACCEPT_THEN_CLOSE = new AcceptThenClose();

  /** Reads requests, never answers. */
  MemcacheFailureMode NEVER_ANSWER = new NeverAnswer();

  /** Writes half of the next reply, then nothing more on that connection. */
  MemcacheFailureMode ANSWER_HALF_THEN_STALL = new AnswerHalfThenStall();

  /**
   * The mode's name, as in the table above in upper case ({@code SLOW}, {@code FAIL_NTH_WRITE}).
   *
   * @return the name
   */
  String name();

  /**
   * Every reply is written {@code delay} after its request was read.
   *
   * @param delay how late, positive
   * @return the mode
   */
  static MemcacheFailureMode slow(Duration delay) {
    return new Slow(delay);
  }

  /**
   * The {@code n}th storage command from now fails with {@code SERVER_ERROR}.
   *
   * @param n which one, from 1
   * @return the mode
   */
  static MemcacheFailureMode failNthWrite(int n) {
    return new FailNthWrite(n);
  }

  /**
   * Reads a mode as written on the command line: {@code normal}, {@code refuse-connect}, {@code
   * accept-then-close}, {@code never-answer}, {@code answer-half-then-stall}, {@code
   * slow:<duration>} (the duration as {@code 250ms}, {@code 2s} or ISO-8601 {@code PT0.25S}),
   * {@code fail-nth-write:<n>}. Upper case and underscores are accepted too ({@code
   * FAIL_NTH_WRITE:3}).
   *
   * @param text the mode
   * @return the mode
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  static MemcacheFailureMode parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.indexOf(':');
    String name = (colon < 0 ? text : text.substring(0, colon)).trim().toLowerCase(Locale.ROOT)
        .replace('_', '-');
    String argument = colon < 0 ? null : text.substring(colon + 1).trim();
    String usage = "; expected normal, refuse-connect, accept-then-close, never-answer,"
        + " answer-half-then-stall, slow:<duration such as 250ms or 2s>, fail-nth-write:<n>";
    MemcacheFailureMode simple = switch (name) {
      case "normal" -> NORMAL;
      case "refuse-connect" -> REFUSE_CONNECT;
      case "accept-then-close" -> ACCEPT_THEN_CLOSE;
      case "never-answer" -> NEVER_ANSWER;
      case "answer-half-then-stall" -> ANSWER_HALF_THEN_STALL;
      default -> null;
    };
    if (simple != null) {
      if (argument != null) {
        throw new IllegalArgumentException("failure mode '" + text + "' takes no argument" + usage);
      }
      return simple;
    }
    if (!name.equals("slow") && !name.equals("fail-nth-write")) {
      throw new IllegalArgumentException("unknown failure mode '" + text + "'" + usage);
    }
    if (argument == null || argument.isEmpty()) {
      throw new IllegalArgumentException("failure mode '" + text + "' needs an argument" + usage);
    }
    try {
      return name.equals("slow") ? slow(parseDuration(argument))
          : failNthWrite(Integer.parseInt(argument));
    } catch (IllegalArgumentException | java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("bad argument in failure mode '" + text + "': "
          + e.getMessage() + usage, e);
    }
  }

  private static Duration parseDuration(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("p")) {
      return Duration.parse(text);
    }
    if (lower.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
    }
    if (lower.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(lower.substring(0, lower.length() - 1)));
    }
    throw new IllegalArgumentException("duration '" + text + "' needs a unit: ms or s");
  }

  /** See {@link #NORMAL}. */
  record Normal() implements MemcacheFailureMode {
    @Override
    public String name() {
      return "NORMAL";
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** See {@link #REFUSE_CONNECT}. */
  record RefuseConnect() implements MemcacheFailureMode {
    @Override
    public String name() {
      return "REFUSE_CONNECT";
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** See {@link #ACCEPT_THEN_CLOSE}. */
  record AcceptThenClose() implements MemcacheFailureMode {
    @Override
    public String name() {
      return "ACCEPT_THEN_CLOSE";
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** See {@link #NEVER_ANSWER}. */
  record NeverAnswer() implements MemcacheFailureMode {
    @Override
    public String name() {
      return "NEVER_ANSWER";
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /** See {@link #ANSWER_HALF_THEN_STALL}. */
  record AnswerHalfThenStall() implements MemcacheFailureMode {
    @Override
    public String name() {
      return "ANSWER_HALF_THEN_STALL";
    }

    @Override
    public String toString() {
      return name();
    }
  }

  /**
   * See {@link #slow(Duration)}.
   *
   * @param delay how late each reply is written
   */
  record Slow(Duration delay) implements MemcacheFailureMode {
    /** Checks the delay. */
    public Slow {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative() || delay.isZero()) {
        throw new IllegalArgumentException("slow delay must be positive: " + delay);
      }
    }

    @Override
    public String name() {
      return "SLOW";
    }

    @Override
    public String toString() {
      return "SLOW " + MemcacheClientProtocol.formatDuration(delay);
    }
  }

  /**
   * See {@link #failNthWrite(int)}.
   *
   * @param n which storage command fails, from 1
   */
  record FailNthWrite(int n) implements MemcacheFailureMode {
    /** Checks n. */
    public FailNthWrite {
      if (n < 1) {
        throw new IllegalArgumentException("fail-nth-write needs n >= 1: " + n);
      }
    }

    @Override
    public String name() {
      return "FAIL_NTH_WRITE";
    }

    @Override
    public String toString() {
      return "FAIL_NTH_WRITE " + n;
    }
  }
}
