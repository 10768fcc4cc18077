package org.braid.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Vert.x 5's peer of {@link ResidentInlineBody}: a verticle deployed with {@link
 * ThreadingModel#VIRTUAL_THREAD} (Vert.x's own way of running sequential code) loops on {@code
 * promise.future().await()}, and the thread that created this object completes each promise.
 *
 * <p>The hand-off is the one Braid's default scheduling mode uses, so the two differ only in the
 * await machinery: the verticle publishes its next promise in a volatile field and unparks the
 * driver; the driver parks until it sees it. One {@link #resume} completes the published promise
 * and returns once the verticle has taken the value, awaited {@code firedAwaits} succeeded futures
 * and published its next promise: one full round trip, as {@link ResidentInlineBody#resume} is.
 *
 * <p>Choices that can only favour Vert.x: the promise is a plain {@link Promise#promise()}, so
 * {@code complete} runs the await's resume handler directly on the driver instead of dispatching
 * it through the verticle's context; and the driver may complete a promise the verticle has
 * published but not yet started awaiting, which Vert.x then takes without suspending.
 *
 * <p>Threads: the constructing thread only (the driver); the verticle runs on its virtual thread.
 */
final class VertxAwaitLoop {
  private final int firedAwaits;
  private final Thread driver;
  private final Vertx vertx;
  private final Future<String> deployment;

  /** The promise the verticle awaits next, published by the verticle, taken by the driver. */
  private volatile Promise<Integer> pending;

  /** What the verticle computed; written before {@link #pending} is published. */
  private int total;

  private int resumptions;

  /**
   * Starts Vert.x and the verticle, and waits until it awaits its first promise.
   *
   * @param firedAwaits how many succeeded futures the verticle awaits after each value
   */
  VertxAwaitLoop(int firedAwaits) {
    this.firedAwaits = firedAwaits;
    this.driver = Thread.currentThread();
    this.vertx = Vertx.vertx();
    this.deployment =
        vertx.deployVerticle(
            new AbstractVerticle() {
              @Override
              public void start() {
                loop();
              }
            },
            new DeploymentOptions().setThreadingModel(ThreadingModel.VIRTUAL_THREAD));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (pending == null) {
      if (deployment.failed()) {
        throw new IllegalStateException("the Vert.x verticle failed", deployment.cause());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the Vert.x verticle did not await within 30 s");
      }
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** The verticle's body, on its virtual thread. */
  private void loop() {
    while (true) {
      Promise<Integer> next = Promise.promise();
      pending = next;
      LockSupport.unpark(driver);
      int x = next.future().await();
      if (x == ResidentInlineBody.STOP) {
        return;
      }
      for (int i = 0; i < firedAwaits; i++) {
        x = Future.succeededFuture((x + 1) & 127).await();
      }
      total = x;
      resumptions++;
    }
  }

  /**
   * Completes the promise the verticle awaits with {@code value}, and returns once it awaits the
   * next one.
   *
   * @param value a value in 0..127
   * @return {@code (value + firedAwaits) & 127}, as the verticle computed it
   */
  int resume(int value) {
    Promise<Integer> p = pending;
    pending = null;
    p.complete(value);
    while (pending == null) {
      LockSupport.park(this);
    }
    return total;
  }

  /**
   * Ends the verticle's loop and closes Vert.x.
   *
   * @return how many values the verticle took before
   * @throws IllegalStateException when the verticle or Vert.x did not stop within 30 s
   */
  int stop() {
    Promise<Integer> p = pending;
    pending = null;
    p.complete(ResidentInlineBody.STOP);
    try {
      deployment.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Vert.x did not stop within 30 s", e);
    }
    return resumptions;
  }
}
