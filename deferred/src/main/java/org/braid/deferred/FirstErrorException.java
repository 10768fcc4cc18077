package org.braid.deferred;

import java.util.Objects;

/**
 * The failure of a {@link DeferredList} with {@code fireOnOneErrback} or of {@link
 * Deferred#gatherResults}: the first input that failed, and its index.
 *
 * <p>Twisted's {@code FirstError}. The original failure is both {@link #subFailure()} and the
 * cause, so stack traces show it. Two instances are equal when their index and sub-failure's
 * exception are. Thread-safe (immutable).
 */
public final class FirstErrorException extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient Failure subFailure;
  private final int index;

  /**
   * Creates the exception. Any thread.
   *
   * @param subFailure the failure of the input
   * @param index the input's position in the list, from 0
   */
  public FirstErrorException(Failure subFailure, int index) {
    super("FirstError[#" + index + ", " + subFailure + "]", subFailure.value());
    this.subFailure = subFailure;
    this.index = index;
  }

  /**
   * The failure of the input that failed first. Any thread.
   *
   * @return the input's failure
   */
  public Failure subFailure() {
    return subFailure;
  }

  /**
   * The position of the input that failed first. Any thread.
   *
   * @return the index, from 0
   */
  public int index() {
    return index;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FirstErrorException other
        && other.index == index
        && Objects.equals(other.subFailure.value(), subFailure.value());
  }

  @Override
  public int hashCode() {
    return 31 * index + subFailure.value().hashCode();
  }
}
