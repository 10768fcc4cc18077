/**
 * Braid's inline adapter: {@code Inline.run(body)} and {@code await(deferred)}, sequential code
 * over Deferreds on virtual threads, with the one-logical-thread guarantee.
 *
 * <p>For the fast scheduling mode the JVM must open {@code java.lang} to this module: {@code
 * --add-opens java.base/java.lang=org.braid.inline} (or {@code =ALL-UNNAMED} on the class path).
 */
module org.braid.inline {
  requires transitive org.braid.deferred;
  requires transitive org.braid.reactor;
  requires org.slf4j;

  exports org.braid.inline;
  exports org.braid.inline.examples;
}
