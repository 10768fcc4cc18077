package org.braid.protocols.memcache;

import java.util.function.Function;
import org.braid.deferred.Deferred;

/**
 * Test support: a {@link MemcacheClientProtocol} connected to a server under test, and the way to
 * wait for its Deferreds there (a bounded wait on a reactor thread, or pumping an in-memory
 * loopback).
 */
interface ClientConnection extends AutoCloseable {

  /**
   * Runs {@code action} with the client where the client lives and waits for the Deferred it
   * returns.
   *
   * @return the Deferred's value
   * @throws Exception what the Deferred failed with
   */
  <T> T call(Function<MemcacheClientProtocol, Deferred<T>> action) throws Exception;

  /** Closes the client's connection and waits until it is closed. */
  @Override
  void close() throws Exception;
}
