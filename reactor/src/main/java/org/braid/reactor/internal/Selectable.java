package org.braid.reactor.internal;

import java.nio.channels.SelectionKey;
import org.braid.deferred.Deferred;

/**
 * A port or connection driven by the {@link SelectorLoop}. Reactor thread only.
 */
public interface Selectable {

  /**
   * The channel is ready for {@code key.readyOps()}. An exception thrown here is a bug in the
   * selectable itself (protocol exceptions must be caught and handled by the transport): the loop
   * logs it and calls {@link #abort(Throwable)}; the reactor goes on.
   *
   * @param key the selected key
   */
  void selected(SelectionKey key);

  /**
   * Reactor shutdown: stop reading, flush queued writes, then close (a port just closes).
   *
   * @return fires when the channel is closed; the reactor waits for it, with a bound, then
   *     aborts what is left
   */
  Deferred<Void> shutdown();

  /**
   * Closes at once with {@code reason}; the protocol's {@code connectionLost} gets it.
   *
   * @param reason why
   */
  void abort(Throwable reason);

  /**
   * Describes the port or connection for logs and the dirty-reactor check, e.g. {@code TCP
   * connection 127.0.0.1:5000 -> 127.0.0.1:40312 (Echo)}.
   *
   * @return a description
   */
  String describe();
}
