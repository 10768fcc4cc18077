/**
 * The reactor and what it drives, after Twisted's {@code twisted.internet}.
 *
 * <h2>Threads</h2>
 * One thread, the reactor thread, runs every timer, every protocol method and every Deferred
 * callback fired by the reactor. Unless a method's documentation says "any thread", it may be
 * called only on the reactor thread (or from an inline body, which runs only while the reactor
 * thread waits for it). The thread-safe entry points are {@link org.braid.reactor.Reactor#callFromThread}
 * and the helpers built on it ({@link org.braid.reactor.Threads}).
 *
 * <h2>Time</h2>
 * Durations are {@link java.time.Duration}s; a reactor's {@link org.braid.reactor.ReactorTime#now()}
 * is monotonic time since an arbitrary origin (zero for a fresh {@link
 * org.braid.reactor.testing.ManualClock}).
 *
 * <h2>Nullness</h2>
 * Parameters and results are non-null unless documented otherwise.
 */
package org.braid.reactor;
