package org.braid.deferred;

/**
 * A stand-in for any class of this package whose name starts with "Deferred" (DeferredList,
 * DeferredQueue, the Deferred*Test classes) that creates and fires Deferreds: debug sites must keep
 * its frames, since only {@link Deferred}'s own frames are noise. Used by {@link DebugModeTest}.
 */
final class DeferredProducer {
  private DeferredProducer() {}

  static Deferred<String> produce() {
    return new Deferred<>();
  }

  static void fire(Deferred<String> d) {
    d.callback("produced");
  }
}
