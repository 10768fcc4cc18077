package org.braid.reactor.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.LinkedHashSet;
import java.util.Set;
import org.braid.reactor.Reactor;
import org.braid.reactor.testing.MemoryReactor;
import org.braid.reactor.testing.ManualClock;

/**
 * A {@link SelectorLoop} driven by the test thread: a real selector that selects only when the
 * test calls {@link #selectNow()}, and a memory reactor on a manual clock. Real sockets, but time
 * and readiness move only when the test says so.
 */
final class ManualLoop implements SelectorLoop, AutoCloseable {
  final ManualClock clock = new ManualClock();
  final MemoryReactor reactor = new MemoryReactor(clock);
  final Set<Selectable> tracked = new LinkedHashSet<>();
  private final Selector selector;

  ManualLoop() {
    try {
      selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Reactor reactor() {
    return reactor;
  }

  @Override
  public SelectionKey register(SelectableChannel channel, int interestOps, Selectable selectable)
      throws IOException {
    return channel.register(selector, interestOps, selectable);
  }

  @Override
  public void track(Selectable selectable) {
    tracked.add(selectable);
  }

  @Override
  public void untrack(Selectable selectable) {
    tracked.remove(selectable);
  }

  /**
   * Selects without blocking and dispatches what is ready.
   *
   * @return how many keys were ready
   */
  int selectNow() throws IOException {
    int ready = selector.selectNow();
    for (SelectionKey key : selector.selectedKeys()) {
      ((Selectable) key.attachment()).selected(key);
    }
    selector.selectedKeys().clear();
    return ready;
  }

  @Override
  public void close() throws IOException {
    for (SelectionKey key : selector.keys()) {
      key.channel().close();
    }
    selector.close();
  }
}
