package org.braid.reactor;

/**
 * Something that produces data and can be told to slow down (Twisted's {@code IPushProducer}).
 * Transports are producers of the bytes they read; user producers write to a transport. Reactor
 * thread only.
 */
public interface PushProducer {
  /** Stops producing until {@link #resumeProducing()}. */
  void pauseProducing();

  /** Produces again after {@link #pauseProducing()} (or, for a pull producer, one more chunk). */
  void resumeProducing();

  /** Stops for good: the consumer is gone. */
  void stopProducing();
}
