/**
 * Braid's Deferred: results that are not ready yet, with Twisted's callback/errback chains.
 *
 * <p>This module depends on nothing but slf4j-api. It knows time only through {@link
 * org.braid.deferred.Scheduler}, so timeouts work with any reactor or a test clock.
 */
module org.braid.deferred {
  requires org.slf4j;

  exports org.braid.deferred;
  exports org.braid.deferred.testing;
}
