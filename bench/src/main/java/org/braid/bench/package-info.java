/**
 * JMH micro-benchmarks that measure Braid's {@link org.braid.deferred.Deferred} beside its peers:
 * {@link java.util.concurrent.CompletableFuture} and asynchbase's {@code
 * com.stumbleupon.async.Deferred}.
 *
 * <p>Conventions of this package:
 *
 * <ul>
 *   <li>One class per scenario; each peer is a separate {@code @Benchmark} method of that class,
 *       named {@code scenarioPeer} ({@code addThenFireBraid}, {@code addThenFireCompletableFuture},
 *       {@code addThenFireSuAsync}) so JMH's sorted output puts the peers of one scenario on
 *       adjacent lines and the ratios come from one run on one JVM build.
 *   <li>Every benchmark method returns the value it computed, so JMH consumes it and nothing is
 *       dead-code eliminated; {@code BenchmarkResultsTest} calls each method once and checks that
 *       value, so a benchmark cannot silently measure a broken chain.
 *   <li>Callbacks are stateless constants or final fields of the {@code @State} object, the same
 *       for every peer, so what is measured is the library and not lambda allocation.
 *   <li>Each benchmark runs on the JMH worker thread only (one logical thread, as Braid requires);
 *       the thread-safe peers pay for their safety, which is part of what is compared.
 * </ul>
 *
 * <p>How to build and run them, and the latest figures: {@code bench/README.md}.
 */
package org.braid.bench;
