/**
 * An in-memory network on a manual clock: embedded memcache servers and clients wired by {@link
 * org.braid.reactor.testing.Loopback}, with no socket and no real time, so that every failure mode
 * and every timeout of the tutorial's recipes can be tested exactly.
 *
 * <p>Test thread only: the thread that drives the network plays the reactor thread.
 */
package org.braid.tutorial.simulated;
