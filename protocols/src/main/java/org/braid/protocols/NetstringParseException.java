package org.braid.protocols;

/**
 * Why a {@link NetstringReceiver} gave up on its peer: the {@link Problem} and a message naming
 * the offending value (and the limit, for {@link Problem#TOO_LONG}). Given to {@link
 * NetstringReceiver#invalidNetstringReceived}, not thrown. Thread-safe (immutable).
 */
public class NetstringParseException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the netstring. */
  public enum Problem {
    /** The netstring does not start with a digit ({@code ":a,"}, {@code "abc"}). */
    MISSING_LENGTH,
    /** The length has a leading zero followed by more digits ({@code "007:"}). */
    LEADING_ZERO,
    /** The length is followed by something other than {@code ':'} ({@code "3aaa,"}). */
    MISSING_COLON,
    /** The length exceeds the receiver's maximum. */
    TOO_LONG,
    /** The byte after the payload is not {@code ','} (more data than announced). */
    MISSING_COMMA
  }

  private final Problem problem;

  /**
   * Creates the exception. Any thread.
   *
   * @param problem what was wrong
   * @param message what exactly, with the offending value
   */
  public NetstringParseException(Problem problem, String message) {
    super(message);
    this.problem = problem;
  }

  /**
   * What was wrong.
   *
   * @return the problem
   */
  public Problem problem() {
    return problem;
  }
}
