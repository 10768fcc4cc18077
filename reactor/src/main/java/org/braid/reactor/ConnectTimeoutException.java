package org.braid.reactor;

import java.net.ConnectException;

/**
 * A connection attempt did not complete within its timeout (Twisted's {@code
 * error.TimeoutError} for connectors). A {@link ConnectException}, so code that catches connect
 * failures catches it too. Thread-safe (immutable).
 */
public class ConnectTimeoutException extends ConnectException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception. Any thread.
   *
   * @param message where we tried to connect and the timeout
   */
  public ConnectTimeoutException(String message) {
    super(message);
  }
}
