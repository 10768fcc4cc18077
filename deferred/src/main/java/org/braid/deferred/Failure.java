package org.braid.deferred;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Objects;

/**
 * An error travelling down a {@link Deferred}'s chain: the original {@link Throwable}, never
 * wrapped in {@code CompletionException} or {@code ExecutionException}, plus Twisted's
 * conveniences.
 *
 * <p>{@link #trap} and {@link #raiseException} rethrow the original exception object itself, so
 * code catches exactly the types that were thrown, and identity checks hold.
 *
 * <p>Immutable and therefore safe to read from any thread; it is usually created and consumed on
 * the owning logical thread of the Deferred that carries it.
 */
public final class Failure {
  private final Throwable value;

  /**
   * Wraps a throwable.
   *
   * @param value the exception, not {@code null}; a {@code Failure} is never nested in another
   */
  public Failure(Throwable value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /**
   * The original exception.
   *
   * @return the exception this failure carries
   */
  public Throwable value() {
    return value;
  }

  /**
   * The class of the original exception.
   *
   * @return {@code value().getClass()}
   */
  public Class<? extends Throwable> type() {
    return value.getClass();
  }

  /**
   * Tells which of the given types the exception is an instance of, checking them in argument
   * order.
   *
   * @param types exception types to check
   * @return the first argument the exception is an instance of, or {@code null} when none is
   */
  @SafeVarargs
  public final Class<? extends Throwable> check(Class<? extends Throwable>... types) {
    for (Class<? extends Throwable> type : types) {
      if (type.isInstance(value)) {
        return type;
      }
    }
    return null;
  }

  /**
   * Like {@link #check}, but rethrows the original exception when it matches none of the types.
   * Inside an errback this reads "handle these, pass anything else on".
   *
   * @param types exception types this caller handles
   * @return the first argument the exception is an instance of
   * @throws Exception the original exception object (any throwable, checked or not), when nothing
   *     matches
   */
  @SafeVarargs
  public final Class<? extends Throwable> trap(Class<? extends Throwable>... types)
      throws Exception {
    Class<? extends Throwable> match = check(types);
    if (match == null) {
      raiseException();
    }
    return match;
  }

  /**
   * Rethrows the original exception object, whatever its type.
   *
   * @return never returns; declared so that {@code throw failure.raiseException();} compiles where
   *     a value is expected
   * @throws Exception always: the original exception
   */
  public RuntimeException raiseException() throws Exception {
    throw Failure.<RuntimeException>sneakyThrow(value);
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneakyThrow(Throwable t) throws E {
    throw (E) t;
  }

  /**
   * The exception's message, or its class name when it has none. Never {@code null} and never
   * throws.
   *
   * @return a short human-readable description of the error
   */
  public String getErrorMessage() {
    String message;
    try {
      message = value.getMessage();
    } catch (RuntimeException e) {
      // A broken getMessage() must not hide the original error behind a new one.
      message = null;
    }
    return message != null ? message : value.getClass().getName();
  }

  /**
   * The full stack trace of the exception, causes and suppressed exceptions included.
   *
   * @return the text {@link Throwable#printStackTrace()} would print
   */
  public String getTraceback() {
    StringWriter out = new StringWriter();
    try (PrintWriter writer = new PrintWriter(out)) {
      value.printStackTrace(writer);
    }
    return out.toString();
  }

  /** Shows the exception type and message, e.g. {@code Failure[java.io.IOException: refused]}. */
  @Override
  public String toString() {
    return "Failure[" + value.getClass().getName() + ": " + getErrorMessage() + "]";
  }
}
