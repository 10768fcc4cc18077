/**
 * Test assertions for Deferreds, after Twisted trial's {@code successResultOf}, {@code
 * failureResultOf} and {@code assertNoResult}: they never block and never wait, and a failed
 * assertion carries the original failure's stack trace as its cause.
 *
 * <p>Call them from the test thread, which owns the Deferreds under test.
 */
package org.braid.deferred.testing;
