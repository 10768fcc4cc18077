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
 * <p>{@link Deferred#gatherResults} and {@link Deferred#race} are built on this class.
 *
 * <pre>{@code
 * Deferred<List<Outcome<String>>> both = DeferredList.of(List.of(client.get("a"), client.get("b")));
 * both.addCallback(outcomes -> {
 *   for (Outcome<String> o : outcomes) {          // input order, not completion order
 *     log.info(o.succeeded() ? o.value() : o.failure().getErrorMessage());
 *   }
 *   return null;
 * });
 * }</pre>
 *
 * <p>Inputs that have already fired are recorded while the factory runs, so the result may be
 * fired when it returns. Outcomes that arrive after the result fired are still recorded and, with
 * {@code consumeErrors}, still consumed. Each input gets one entry added to its chain: callbacks
 * added to an input before the list see its value first; callbacks added after see what the entry
 * passes on (the value, or the failure unless it was consumed).
 *
 * <p>Cancelling the result before it fires cancels every input (from the list's own copy, so
 * later changes to the caller's list do not matter); a canceller that throws is logged by {@link
 * Deferred#cancel()} and the other inputs are still cancelled. The result then fires with whatever
 * the inputs produce, e.g. with a success for an input whose canceller fires it with a value.
 * After the result fired, cancelling it leaves the inputs alone. Unlike Twisted (its issue
 * #7856), the result is an ordinary {@link Deferred}: once fired, if one of its callbacks returned
 * a Deferred that it now waits on, cancelling it cancels that Deferred.
 *
 * <p>Not thread-safe: every method must be called on the owning logical thread, like every
 * Deferred.
 *
 * @param <T> the inputs' result type
 */
public final class DeferredList<T> {

  /**
   * One input's outcome: a value or a failure (Twisted's {@code (success, result)} pair).
   * Immutable; any thread.
   *
   * @param succeeded whether the input fired on the success side
   * @param value its value when it succeeded (possibly {@code null}), else {@code null}
   * @param failure its failure when it failed, else {@code null}
   * @param <T> the value type
   */
  public record Outcome<T>(boolean succeeded, T value, Failure failure) {
    /**
     * Checks that the outcome is one or the other. Any thread.
     *
     * @throws IllegalArgumentException when a success carries a failure, or a failure carries no
     *     failure or a value
     */
    public Outcome {
      if (succeeded && failure != null) {
        throw new IllegalArgumentException("a successful Outcome has a failure: " + failure);
      }
      if (!succeeded && (failure == null || value != null)) {
        throw new IllegalArgumentException(
            "a failed Outcome needs a failure and no value; failure: " + failure);
      }
    }

    /**
     * A success. Any thread.
     *
     * @param value the value
     * @param <T> the value type
     * @return the outcome
     */
    public static <T> Outcome<T> success(T value) {
      return new Outcome<>(true, value, null);
    }

    /**
     * A failure. Any thread.
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
   * The first input to succeed. Immutable; any thread.
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

  /** How many inputs have fired (the hook ran), from 0 to the number of inputs. */
  private int finished;

  /**
   * Set when the hook decides the result, just before firing it. In a race the losers are
   * cancelled between the two, and a loser whose canceller fires it with a value must not win too.
   */
  private boolean decided;

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
    if (inputs.isEmpty() && mode == Mode.RACE) {
      // Twisted's race of nothing never fires, which is a hang waiting to happen: refuse it.
      throw new IllegalArgumentException(
          "race() needs at least one Deferred to race, got an empty list");
    }
    this.inputs = List.copyOf(inputs);
    this.outcomes = new Outcome[this.inputs.size()];
    this.mode = mode;
    this.fireOnOneErrback = fireOnOneErrback;
    this.consumeErrors = consumeErrors;
    this.result = new Deferred<>(d -> cancelInputs());
    this.result.describedAs(describe());
    if (this.inputs.isEmpty() && (mode == Mode.ALL || mode == Mode.FIRST_ERROR)) {
      decided = true;
      result.callback(List.of());
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
   * {@link #of(List, boolean)} without consuming errors (Twisted's default). Owning logical
   * thread.
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

  /**
   * See {@link Deferred#race}: the first success wins, the other inputs are cancelled before the
   * result fires, and every input's result is consumed (becomes {@code null}), the winner's too, as
   * in Twisted. An empty list is refused. Owning logical thread.
   */
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
    // result.isCalled() without `decided`: the result was cancelled while inputs had not fired.
    if (!decided && !result.isCalled()) {
      if (failure == null && (mode == Mode.FIRST_SUCCESS || mode == Mode.RACE)) {
        decided = true;
        if (mode == Mode.RACE) {
          // Twisted cancels the losers first, so the result's callbacks find them settled.
          cancelLosers(index);
        }
        // A loser's own callbacks ran during the sweep; should one have fired or cancelled the
        // result, that stands.
        if (!result.isCalled()) {
          result.callback(new Winner<>(index, value));
        }
      } else if (failure != null && fireOnOneErrback) {
        decided = true;
        result.errback(new FirstErrorException(failure, index));
      } else if (finished == outcomes.length) {
        decided = true;
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
    if (mode == Mode.RACE) {
      // Nobody else is meant to use a raced input's result, and a loser's CancelledException
      // must not be reported as unhandled.
      return null;
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
