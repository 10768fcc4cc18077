/**
 * Braid's servers as the load harness ({@code bench/load/run.sh}) runs them: each is a small main
 * class listening on {@code 127.0.0.1:PORT} with one reactor thread until it is killed, registered
 * with one line in {@code bench/load/servers.conf}.
 *
 * <ul>
 *   <li>{@link org.braid.bench.load.RawEchoServer}: bytes echoed from {@code dataReceived}, the
 *       reactor's floor;
 *   <li>{@link org.braid.bench.load.CallbackLineEchoServer}: a {@code LineReceiver} line echo;
 *   <li>{@link org.braid.bench.load.InlineLineEchoServer}: the same echo as one inline body per
 *       connection.
 * </ul>
 *
 * The embedded memcache server needs no class here: the registry runs the protocols module's
 * {@code MemcacheServerMain} as it is.
 */
package org.braid.bench.load;
