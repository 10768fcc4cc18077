package org.braid.reactor.internal;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a channel and runs an action once its file descriptor is really released.
 *
 * <p>Why this is needed: closing a channel that is registered with a selector only cancels its key;
 * the JDK closes the descriptor when the selector next deregisters cancelled keys, at the start of
 * its next select. Until then a listening port still holds its address. So ports report "stopped"
 * only after the loop has selected once more: the action is checked on each following pass
 * ({@code callLater(0)}), which runs between selects, and runs as soon as {@link
 * SelectableChannel#isRegistered()} turns false. Reactor thread only.
 */
final class ChannelRelease {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelRelease.class);

  /**
   * Passes to wait at most. A loop deregisters cancelled keys on every select, so one or two
   * passes suffice; the bound only guards against a loop that never selects again.
   */
  private static final int MAX_PASSES = 1000;

  private ChannelRelease() {}

  /**
   * Closes {@code channel} now and runs {@code released} on a later pass, once the descriptor is
   * released (never synchronously).
   *
   * @param loop the loop the channel is registered with
   * @param channel the channel to close
   * @param what describes the channel for logs
   * @param released what to run afterwards
   */
  static void close(SelectorLoop loop, SelectableChannel channel, String what, Runnable released) {
    try {
      channel.close();
    } catch (IOException e) {
      LOG.debug("closing {} failed; it is closed anyway", what, e);
    }
    loop.reactor().callLater(Duration.ZERO, () -> awaitRelease(loop, channel, what, released, 1));
  }

  private static void awaitRelease(
      SelectorLoop loop, SelectableChannel channel, String what, Runnable released, int pass) {
    if (!channel.isRegistered()) {
      released.run();
    } else if (pass >= MAX_PASSES) {
      LOG.warn("{} still registered with the selector after {} passes; reporting it closed", what, pass);
      released.run();
    } else {
      loop.reactor()
          .callLater(Duration.ZERO, () -> awaitRelease(loop, channel, what, released, pass + 1));
    }
  }
}
