/**
 * What is built on Braid's Protocol: framing receivers (line, length-prefixed, netstring),
 * reconnecting clients, idle timeouts, and the memcache text protocol client and server.
 */
module org.braid.protocols {
  requires transitive org.braid.reactor;
  requires org.slf4j;

  exports org.braid.protocols;
  exports org.braid.protocols.examples;
  exports org.braid.protocols.memcache;
}
