package org.braid.reactor;

/**
 * The connection was closed at once by {@link Transport#abortConnection()} (Twisted's {@code
 * ConnectionAborted}). Thread-safe (immutable).
 */
public class ConnectionAborted extends ConnectionLost {
  private static final long serialVersionUID = 1L;

  /** Creates the exception. Any thread. */
  public ConnectionAborted() {
    super("Connection was aborted locally.", null);
  }
}
