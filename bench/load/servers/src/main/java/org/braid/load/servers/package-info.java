/**
 * Peer servers for Braid's load harness ({@code bench/load/run.sh}): the same line-echo
 * workload on Netty and on a bare JDK NIO selector loop, each on exactly one thread, so
 * Braid's own servers can be compared with the best-known JVM framework and with the JVM's
 * floor. Each server is an application started as its own process by the harness; it
 * listens on 127.0.0.1 only and runs until it is killed.
 *
 * <p>Threading: every server here runs all socket work on one thread, the one that calls
 * {@code run()} (NIO) or the single event loop (Netty). Nothing in this package is
 * thread-safe beyond that.
 */
package org.braid.load.servers;
