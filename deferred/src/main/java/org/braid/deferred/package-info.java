/**
 * Deferreds and the tools built on them: {@link org.braid.deferred.Deferred}, {@link
 * org.braid.deferred.Failure}, {@link org.braid.deferred.DeferredList}, {@link
 * org.braid.deferred.DeferredLock}, {@link org.braid.deferred.DeferredSemaphore} and {@link
 * org.braid.deferred.DeferredQueue}.
 *
 * <h2>Threads</h2>
 * Nothing in this package is thread-safe, exactly as in Twisted. A Deferred belongs to one logical
 * thread: the reactor thread in a running program (or an inline body, which runs only while the
 * reactor thread waits for it), the test thread in a unit test. Other threads hand work to that
 * thread with the reactor's {@code callFromThread}. Every method in this package may be called only
 * from the owning logical thread unless its documentation says otherwise.
 *
 * <h2>Synchronous by design</h2>
 * Callbacks are never scheduled: firing a Deferred runs its callbacks before {@code callback(..)}
 * returns, and adding a callback to a fired Deferred runs it before {@code addCallback(..)}
 * returns. This is Twisted's contract and what makes tests on a manual clock deterministic.
 *
 * <h2>Nullness</h2>
 * {@code null} is a legal success value (Twisted's {@code None}). Parameters that are functions,
 * Deferreds, failures or durations must not be null; a null there throws {@link
 * java.lang.NullPointerException} at once.
 */
package org.braid.deferred;
