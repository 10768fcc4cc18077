/**
 * What is built on Braid's Protocol: framing receivers (line, length-prefixed, netstring),
 * reconnecting clients, idle timeouts, and the memcache text protocol client and server.
 */
module org.braid.protocols {
  requires transitive org.braid.reactor;
  requires org.slf4j;

  // org.braid.protocols (framing receivers, reconnecting clients) is exported again once it has
  // its first type: javac refuses to export a package that holds only package-info.java.
  exports org.braid.protocols.memcache;
}
