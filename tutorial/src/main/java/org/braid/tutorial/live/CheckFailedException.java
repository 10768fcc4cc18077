package org.braid.tutorial.live;

/** A check of the walkthrough failed: the message says what was expected and what happened. */
public final class CheckFailedException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message what was expected and what was seen
   */
  public CheckFailedException(String message) {
    super(message);
  }

  /**
   * Throws unless {@code condition} holds.
   *
   * @param condition what must hold
   * @param expected what was expected
   * @param actual what was seen
   * @throws CheckFailedException when it does not hold
   */
  static void check(boolean condition, String expected, Object actual) throws CheckFailedException {
    if (!condition) {
      throw new CheckFailedException("expected " + expected + ", got " + actual);
    }
  }
}
