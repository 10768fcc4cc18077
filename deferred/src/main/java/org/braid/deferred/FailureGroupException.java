package org.braid.deferred;

import java.util.List;

/**
 * The failure of {@link Deferred#race} when every input failed: their failures, in input order.
 *
 * <p>Twisted's {@code FailureGroup}. Each input's exception is also added as a suppressed
 * exception, so a logged stack trace shows them all. Thread-safe (immutable).
 */
public final class FailureGroupException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<Failure> failures;

  /**
   * Creates the exception. Any thread.
   *
   * @param failures every input's failure, in input order
   */
  public FailureGroupException(List<Failure> failures) {
    super("all " + failures.size() + " Deferreds failed");
    this.failures = List.copyOf(failures);
    for (Failure f : this.failures) {
      addSuppressed(f.value());
    }
  }

  /**
   * The failures, in input order. Any thread.
   *
   * @return an unmodifiable list
   */
  public List<Failure> failures() {
    return failures;
  }
}
