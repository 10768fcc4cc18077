package org.braid.tutorial.measure;

import java.util.Objects;
import org.braid.deferred.Deferred;
import org.braid.protocols.memcache.MemcacheClient;
import org.braid.protocols.memcache.MemcacheReply;
import org.braid.protocols.memcache.MemcacheRequest;

/**
 * A {@link MemcacheClient} that passes every request to another and counts the requests sent and
 * not yet answered: how many now, the most at once, how many in all. Wrap a client with it to see
 * what a recipe really asks of a server.
 *
 * <p>Reactor thread only.
 */
public final class InFlightGauge implements MemcacheClient {
  private final MemcacheClient delegate;
  private int inFlight;
  private int maxInFlight;
  private long sent;

  /**
   * Wraps a client.
   *
   * @param delegate the client that sends the requests
   */
  public InFlightGauge(MemcacheClient delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public Deferred<MemcacheReply> send(MemcacheRequest request) {
    inFlight++;
    sent++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    return delegate
        .send(request)
        .addBoth(
            (reply, failure) -> {
              inFlight--;
              if (failure != null) {
                throw failure.raiseException();
              }
              return reply;
            });
  }

  /**
   * Requests sent and not answered yet.
   *
   * @return the count
   */
  public int inFlight() {
    return inFlight;
  }

  /**
   * The most requests that were out at once.
   *
   * @return the high-water mark
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * Requests sent in all.
   *
   * @return the count
   */
  public long sent() {
    return sent;
  }

  @Override
  public String toString() {
    return "InFlightGauge[in flight " + inFlight + ", max " + maxInFlight + ", sent " + sent + "]";
  }
}
