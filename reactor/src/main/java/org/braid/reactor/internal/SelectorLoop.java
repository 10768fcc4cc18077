package org.braid.reactor.internal;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import org.braid.reactor.Reactor;

/**
 * What the selector loop offers to channel-based ports and transports: the contract between {@link
 * org.braid.reactor.SelectorReactor} and the TCP, Unix and UDP code in this package.
 *
 * <p>Reactor thread only.
 */
public interface SelectorLoop {

  /**
   * The reactor this loop belongs to: its clock, {@code callFromThread}, thread pool.
   *
   * @return the reactor
   */
  Reactor reactor();

  /**
   * Registers a non-blocking channel with the loop's selector; the loop calls {@link
   * Selectable#selected} on the reactor thread whenever the channel is ready for an operation in
   * the key's interest set.
   *
   * @param channel the channel, already in non-blocking mode
   * @param interestOps the initial interest set
   * @param selectable who handles readiness
   * @return the key, whose interest set the selectable changes as it needs
   * @throws IOException when the channel is closed
   */
  SelectionKey register(SelectableChannel channel, int interestOps, Selectable selectable)
      throws IOException;

  /**
   * Starts tracking a live port or connection, so that reactor shutdown can close it and the
   * dirty-reactor check can report it.
   *
   * @param selectable the port or connection
   */
  void track(Selectable selectable);

  /**
   * Stops tracking a port or connection that has closed.
   *
   * @param selectable the port or connection
   */
  void untrack(Selectable selectable);
}
