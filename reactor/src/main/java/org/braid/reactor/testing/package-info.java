/**
 * The reactor's test kit, after Twisted's {@code twisted.internet.testing}: a manual clock, a
 * string transport that records writes, a memory reactor that records listen and connect calls,
 * an in-memory loopback that wires a client protocol to a server protocol, and a check that fails
 * a test which leaves delayed calls, connections or listening ports behind.
 *
 * <p>Everything here runs on the test thread, which plays the reactor thread; nothing waits for
 * real time.
 */
package org.braid.reactor.testing;
