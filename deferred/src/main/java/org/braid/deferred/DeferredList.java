package org.braid.deferred;

import java.util.ArrayList;
import java.util.List;

/**
 * Waits for several Deferreds at once (Twisted's {@code DeferredList}).
 *
 * <p>Twisted's one class with three flags returns differently shaped results depending on the
 * flags; here each shape has its own factory so the result is typed:
 *
 * <ul>
 *   <li>{@link #of(List, boolean)}: every outcome, in input order, once all inputs fired; never
 *       fails.
 *   <li>{@link #fireOnOneErrback(List, boolean)}: the same list, but fails at the first failure
 *       with a {@link FirstErrorException} naming the index.
 *   <li>{@link #fireOnOneCallback(List, boolean, boolean)}: the first success as a {@link Winner}.
 *       Twisted fires the <em>callback</em> with the list of failures when every input fails (its
 *       issue #4919); Java's types cannot say "a winner or a list", so here that case fails with a
 *       {@link FailureGroupException}, as {@code race} does.
 * </ul>
 *
 * <p>Inputs that have already fired are recorded while the factory runs, so the result may be
 * fired when it returns. Outcomes that arrive after the result fired are still recorded and, with
 * {@code consumeErrors}, still consumed. Cancelling the result before it fires cancels every
 * input; after it fired, cancelling does nothing.
 *
 * <p>Not thread-safe: owning logical thread only, like every Deferred.
 *
 * @param <T> the inputs' result type
 */
public final class DeferredList<T> {

  /**
   * One input's outcome: a value or a failure.
   *
   * @param succeeded whether the input fired on the success side
   * @param value its value when it succeeded, else {@code null}
   * @param failure its failure when it failed, else {@code null}
   * @param <T> the value type
   */
  public record Outcome<T>(boolean succeeded, T value, Failure failure) {
    /**
     * A success.
     *
     * @param value the value
     * @param <T> the value type
     * @return the outcome
     */
    public static <T> Outcome<T> success(T value) {
      return new Outcome<>(true, value, null);
    }

    /**
     * A failure.
     *
     * @param failure the failure
     * @param <T> the value type
     * @return the outcome
     */
    public static <T> Outcome<T> failure(Failure failure) {
      return new Outcome<>(false, null, failure);
    }
  }

  /**
   * The first input to succeed.
   *
   * @param index its position among the inputs, from 0
   * @param value its value
   * @param <T> the value type
   */
  public record Winner<T>(int index, T value) {}

  private enum Mode {
    ALL,
    FIRST_ERROR,
    FIRST_SUCCESS,
    RACE
  }

  private final List<Deferred<? extends T>> inputs;
  private final Outcome<T>[] outcomes;
  private final Mode mode;
  private final boolean fireOnOneErrback;
  private final boolean consumeErrors;
  private final Deferred<Object> result;
  private int finished;

  @SuppressWarnings("unchecked")
  DeferredList(
      List<? extends Deferred<? extends T>> inputs,
      boolean fireOnOneCallback,
      boolean fireOnOneErrback,
      boolean consumeErrors) {
    this(
        inputs,
        fireOnOneCallback ? Mode.FIRST_SUCCESS : fireOnOneErrback ? Mode.FIRST_ERROR : Mode.ALL,
        fireOnOneErrback,
        consumeErrors);
  }

  @SuppressWarnings("unchecked")
  private DeferredList(
      List<? extends Deferred<? extends T>> inputs,
      Mode mode,
      boolean fireOnOneErrback,
      boolean consumeErrors) {
    this.inputs = List.copyOf(inputs);
    this.outcomes = new Outcome[this.inputs.size()];
    this.mode = mode;
    this.fireOnOneErrback = fireOnOneErrback;
    this.consumeErrors = consumeErrors;
    this.result = new Deferred<>(d -> cancelInputs());
    this.result.describedAs(describe());
    if (this.inputs.isEmpty() && (mode == Mode.ALL || mode == Mode.FIRST_ERROR)) {
      result.callback(List.of());
    } else if (this.inputs.isEmpty() && mode == Mode.RACE) {
      throw new IllegalArgumentException("race() needs at least one Deferred");
    }
    // An empty FIRST_SUCCESS list never fires, as in Twisted: there is nothing that could win.
    for (int i = 0; i < this.inputs.size(); i++) {
      int index = i;
      this.inputs.get(i).addBoth((value, failure) -> record(index, value, failure));
    }
  }

  /**
   * Every input's outcome in input order, once all have fired. Never fails. Owning logical thread.
   *
   * @param deferreds the inputs (copied: later changes to the list have no effect)
   * @param consumeErrors when true, failed inputs' results become {@code null}, so they are not
   *     reported as unhandled; otherwise they keep their failure for their own errbacks
   * @param <T> the inputs' result type
   * @return a Deferred of the outcomes
   */
  public static <T> Deferred<List<Outcome<T>>> of(
      List<? extends Deferred<? extends T>> deferreds, boolean consumeErrors) {
    return new DeferredList<T>(deferreds, false, false, consumeErrors).typedResult();
  }

  /**
   * {@link #of(List, boolean)} without consuming errors (Twisted's default).
   *
   * @param deferreds the inputs
   * @param <T> the inputs' result type
   * @return a Deferred of the outcomes
   */
  public static <T> Deferred<List<Outcome<T>>> of(List<? extends Deferred<? extends T>> deferreds) {
    return of(deferreds, false);
  }

  /**
   * Every outcome in input order, but fails with {@link FirstErrorException} as soon as an input
   * fails. Owning logical thread.
   *
   * @param deferreds the inputs
   * @param consumeErrors as in {@link #of(List, boolean)}
   * @param <T> the inputs' result type
   * @return a Deferred of the outcomes
   */
  public static <T> Deferred<List<Outcome<T>>> fireOnOneErrback(
      List<? extends Deferred<? extends T>> deferreds, boolean consumeErrors) {
    return new DeferredList<T>(deferreds, false, true, consumeErrors).typedResult();
  }

  /**
   * Fires with the first input to succeed; the other inputs are left running. When every input
   * fails, fails with {@link FailureGroupException}; with {@code fireOnOneErrback}, fails at the
   * first failure with {@link FirstErrorException} instead. An empty list never fires (nothing can
   * win), as in Twisted. Owning logical thread.
   *
   * @param deferreds the inputs
   * @param fireOnOneErrback whether the first failure fails the result
   * @param consumeErrors as in {@link #of(List, boolean)}
   * @param <T> the inputs' result type
   * @return a Deferred of the winner
   */
  public static <T> Deferred<Winner<T>> fireOnOneCallback(
      List<? extends Deferred<? extends T>> deferreds,
      boolean fireOnOneErrback,
      boolean consumeErrors) {
    return new DeferredList<T>(deferreds, true, fireOnOneErrback, consumeErrors).typedResult();
  }

  /** See {@link Deferred#race}. */
  static <T> Deferred<Winner<T>> race(List<? extends Deferred<? extends T>> deferreds) {
    return new DeferredList<T>(deferreds, Mode.RACE, false, true).typedResult();
  }

  @SuppressWarnings("unchecked")
  private <R> Deferred<R> typedResult() {
    return (Deferred<R>) (Deferred<?>) result;
  }

  private String describe() {
    return switch (mode) {
      case ALL -> "DeferredList of " + inputs.size();
      case FIRST_ERROR -> "gather of " + inputs.size();
      case FIRST_SUCCESS -> "first success of " + inputs.size();
      case RACE -> "race of " + inputs.size();
    };
  }

  /** The addBoth hook on input {@code index}; returns what the input's chain continues with. */
  private Object record(int index, T value, Failure failure) {
    outcomes[index] = failure == null ? Outcome.success(value) : Outcome.failure(failure);
    finished++;
    if (!result.isCalled()) {
      if (failure == null && (mode == Mode.FIRST_SUCCESS || mode == Mode.RACE)) {
        result.callback(new Winner<>(index, value));
        if (mode == Mode.RACE) {
          cancelLosers(index);
        }
      } else if (failure != null && fireOnOneErrback) {
        result.errback(new FirstErrorException(failure, index));
      } else if (finished == outcomes.length) {
        if (mode == Mode.FIRST_SUCCESS || mode == Mode.RACE) {
          List<Failure> failures = new ArrayList<>(outcomes.length);
          for (Outcome<T> outcome : outcomes) {
            failures.add(outcome.failure());
          }
          result.errback(new FailureGroupException(failures));
        } else {
          result.callback(List.of(outcomes));
        }
      }
    }
    if (failure != null) {
      return consumeErrors ? null : failure;
    }
    return value;
  }

  private void cancelLosers(int winner) {
    for (int i = 0; i < inputs.size(); i++) {
      if (i != winner) {
        inputs.get(i).cancel();
      }
    }
  }

  private void cancelInputs() {
    // Deferred.cancel() never throws (a throwing canceller is logged inside it), so one input
    // cannot keep the others from being cancelled.
    for (Deferred<? extends T> input : inputs) {
      input.cancel();
    }
  }
}
