package org.braid.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@link Failure} (test_failure.py; twisted-semantics.md 1.17). */
class FailureTest {

  @Test
  void valueIsTheOriginalExceptionAndTypeItsClass() {
    IOException refused = new IOException("refused");

    Failure failure = new Failure(refused);

    assertThat(failure.value()).isSameAs(refused);
    assertThat(failure.type()).isEqualTo(IOException.class);
  }

  @Test
  void constructionWithoutAnExceptionIsRejected() {
    // test_failure.py: test_ConstructionFails (Failure() with no current exception)
    assertThatThrownBy(() -> new Failure(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void checkReturnsTheFirstArgumentThatMatchesInArgumentOrder() {
    // twisted-semantics.md 1.17: "the first argument (in argument order) that matches"
    Failure failure = new Failure(new FileNotFoundException("gone"));

    assertThat(
            failure.check(TimeoutException.class, IOException.class, FileNotFoundException.class))
        .isEqualTo(IOException.class);
    assertThat(failure.check(FileNotFoundException.class, IOException.class))
        .isEqualTo(FileNotFoundException.class);
  }

  @Test
  void checkMatchesSuperclassesOfTheException() {
    Failure failure = new Failure(new FileNotFoundException("gone"));

    assertThat(failure.check(Exception.class)).isEqualTo(Exception.class);
    assertThat(failure.check(Throwable.class)).isEqualTo(Throwable.class);
  }

  @Test
  void checkReturnsNullWhenNothingMatches() {
    Failure failure = new Failure(new IOException("refused"));

    assertThat(failure.check(TimeoutException.class, RuntimeException.class)).isNull();
    assertThat(failure.check()).isNull();
  }

  @Test
  void trapReturnsTheMatchingArgument() throws Exception {
    // test_failure.py: test_failAndTrap
    Failure failure = new Failure(new UnsupportedOperationException("not implemented"));

    assertThat(failure.trap(IllegalStateException.class, RuntimeException.class))
        .isEqualTo(RuntimeException.class);
  }

  @Test
  void trapRethrowsTheOriginalExceptionObjectWhenNothingMatches() {
    // test_failure.py: test_trapRaisesWrappedException
    IOException refused = new IOException("refused");
    Failure failure = new Failure(refused);

    Throwable thrown = catchThrowable(() -> failure.trap(TimeoutException.class));

    assertThat(thrown).isSameAs(refused);
  }

  @Test
  void trapRethrowsAnErrorUnwrapped() {
    AssertionError error = new AssertionError("an Error");
    Failure failure = new Failure(error);

    assertThat(catchThrowable(() -> failure.trap(Exception.class))).isSameAs(error);
  }

  @Test
  void raiseExceptionRethrowsTheOriginalCheckedExceptionWithItsStackTrace() {
    // test_failure.py: test_RaiseExceptionWithTB
    IOException refused = new IOException("refused");
    StackTraceElement[] original = refused.getStackTrace();
    Failure failure = new Failure(refused);

    Throwable thrown = catchThrowable(failure::raiseException);

    assertThat(thrown).isSameAs(refused);
    assertThat(thrown.getStackTrace()).isEqualTo(original);
  }

  @Test
  void errorMessageIsTheExceptionMessage() {
    assertThat(new Failure(new IOException("refused")).getErrorMessage()).isEqualTo("refused");
  }

  @Test
  void errorMessageFallsBackToTheClassNameWhenThereIsNoMessage() {
    assertThat(new Failure(new IOException()).getErrorMessage()).isEqualTo("java.io.IOException");
  }

  @Test
  void errorMessageNeverThrowsEvenWhenGetMessageDoes() {
    // twisted-semantics.md 1.17: getErrorMessage is a "safe string of the value"
    Exception broken =
        new Exception() {
          @Override
          public String getMessage() {
            throw new IllegalStateException("getMessage is broken");
          }
        };

    assertThat(new Failure(broken).getErrorMessage()).isEqualTo(broken.getClass().getName());
  }

  @Test
  void tracebackIncludesTheExceptionItsStackAndItsCause() {
    IOException cause = new IOException("socket closed");
    IllegalStateException error = new IllegalStateException("request failed", cause);

    String traceback = new Failure(error).getTraceback();

    assertThat(traceback)
        .startsWith("java.lang.IllegalStateException: request failed")
        .contains(
            FailureTest.class.getName() + ".tracebackIncludesTheExceptionItsStackAndItsCause(")
        .contains("Caused by: java.io.IOException: socket closed");
  }

  @Test
  void toStringShowsTheQualifiedTypeAndMessage() {
    // test_failure.py: test_repr (type and message, no traceback)
    assertThat(new Failure(new IOException("refused")))
        .hasToString("Failure[java.io.IOException: refused]");
  }
}
