package org.braid.inline;

/**
 * One inline body per connection, for {@link InlineServer#factory}. It runs when the connection
 * is made; when it returns, the connection is closed after queued bytes are sent; when it throws,
 * the error is logged with the peer and the connection is closed. Runs on the reactor's logical
 * thread, as an inline body: it may {@link Inline#await}.
 */
@FunctionalInterface
public interface ConnectionHandler {
  /**
   * Serves one connection.
   *
   * @param connection the connection
   * @throws Exception to log and close
   */
  void handle(Connection connection) throws Exception;
}
