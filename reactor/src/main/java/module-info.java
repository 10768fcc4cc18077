/**
 * Braid's reactor: one thread that owns every socket and timer, what a transport drives (Protocol,
 * Factory, ClientFactory), and the test kit that fakes the reactor, the clock and the transports.
 */
module org.braid.reactor {
  requires transitive org.braid.deferred;
  requires org.slf4j;
  requires jdk.unsupported; // sun.misc.Signal, for SIGINT/SIGTERM when the reactor owns the process

  exports org.braid.reactor;
  exports org.braid.reactor.testing;
}
