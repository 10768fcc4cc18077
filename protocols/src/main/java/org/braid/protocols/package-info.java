/**
 * Protocols users subclass: framing receivers ({@link org.braid.protocols.LineReceiver}, {@link
 * org.braid.protocols.LineOnlyReceiver}, {@link org.braid.protocols.Int32StringReceiver} and its
 * 16- and 8-bit siblings, {@link org.braid.protocols.NetstringReceiver}), reconnecting clients
 * ({@link org.braid.protocols.ReconnectingClientFactory}, {@link
 * org.braid.protocols.ClientService} with a {@link org.braid.protocols.BackoffPolicy}), and idle
 * timeouts ({@link org.braid.protocols.IdleTimeout}). {@code protocols/PROTOCOLS.md} records the
 * design decisions and every divergence from Twisted.
 *
 * <h2>Conventions</h2>
 * <ul>
 *   <li>Threads: reactor thread only, like the {@link org.braid.reactor.Protocol} they extend.
 *   <li>Frames are {@code byte[]}: fresh arrays, owned by the protocol that receives them. Arrays
 *       given to {@code dataReceived} become the receiver's.
 *   <li>Bad input from the peer is never an exception: it goes to a hook ({@code
 *       lineLengthExceeded}, {@code lengthLimitExceeded}, {@code invalidNetstringReceived}) whose
 *       default logs an error naming the limit and the value, and loses the connection.
 *   <li>Time is always a {@link org.braid.reactor.ReactorTime} passed in: the reactor, or a
 *       manual clock in tests.
 *   <li>Nullness: parameters and results are non-null unless documented otherwise.
 * </ul>
 */
package org.braid.protocols;
