package org.braid.reactor;

/**
 * The reactor is not running, so it cannot do what was asked: {@link Reactor#stop()} before
 * {@link Reactor#run()} or a second time (Twisted's {@code ReactorNotRunning}), or a call that
 * needed the reactor thread after the reactor stopped ({@link Threads#blockingCallFromThread},
 * {@link Reactor#deferToThread} after shutdown).
 *
 * <p>Code that may race with shutdown can catch this type, or check {@link Reactor#isRunning()}
 * first. Thread-safe (immutable).
 */
public class ReactorNotRunningException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message what could not be done, and the reactor's state
   */
  public ReactorNotRunningException(String message) {
    super(message);
  }
}
