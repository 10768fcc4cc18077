package org.braid.inline.internal;

import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the virtual threads that run inline bodies, in one of two scheduling modes.
 *
 * <ul>
 *   <li>{@code carrier}: the body runs on the thread that resumes it ({@link CarrierScheduler}).
 *       Needs the JDK's non-public virtual-thread builder that takes a scheduler, so the JVM must
 *       open {@code java.lang} to this module.
 *   <li>{@code default}: the JDK's default scheduler; the resuming thread hands the baton over and
 *       parks until it comes back.
 * </ul>
 *
 * The system property {@code braid.inline.scheduler} chooses ({@code carrier} or {@code default});
 * unset, carrier is used when the JVM allows it, else default, said once in the log.
 *
 * <p>Thread-safe.
 */
final class BodyThreads {
  private static final Logger LOG = LoggerFactory.getLogger(BodyThreads.class);

  /** The builder constructor that takes a scheduler, or null in default mode. */
  private static final Constructor<?> CARRIER_BUILDER = chooseMode();

  private static final ThreadLocal<CarrierScheduler> SCHEDULERS =
      ThreadLocal.withInitial(() -> new CarrierScheduler(Thread.currentThread()));

  private BodyThreads() {}

  static boolean carrierMode() {
    return CARRIER_BUILDER != null;
  }

  private static Constructor<?> chooseMode() {
    String wanted = System.getProperty("braid.inline.scheduler", "auto");
    if (wanted.equals("default")) {
      return null;
    }
    try {
      Class<?> builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
      Constructor<?> constructor = builder.getDeclaredConstructor(Executor.class);
      constructor.setAccessible(true);
      return constructor;
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (wanted.equals("carrier")) {
        throw new IllegalStateException(
            "braid.inline.scheduler=carrier needs the JDK's virtual-thread scheduler hook; run"
                + " with --add-opens java.base/java.lang=org.braid.inline (or =ALL-UNNAMED on the"
                + " class path)",
            e);
      }
      LOG.info(
          "inline bodies use the default virtual-thread scheduler with a baton hand-off ({});"
              + " for the faster carrier mode run with --add-opens"
              + " java.base/java.lang=org.braid.inline",
          e.toString());
      return null;
    }
  }

  /**
   * Creates an unstarted thread for a body.
   *
   * @param task the body's task
   * @param parent the task that starts it, or null when started from a platform thread
   */
  static Thread newBodyThread(Runnable task, InlineTask<?> parent) {
    if (CARRIER_BUILDER == null) {
      return Thread.ofVirtual().name("braid-inline").unstarted(task);
    }
    CarrierScheduler scheduler = parent != null ? parent.scheduler() : schedulerOfCurrentThread();
    if (scheduler == null) {
      // Started from a virtual thread that is not a body (a user's own): no home thread to carry
      // it, so it takes the default scheduler; the baton hand-off works the same.
      return Thread.ofVirtual().name("braid-inline").unstarted(task);
    }
    try {
      Thread.Builder.OfVirtual builder =
          (Thread.Builder.OfVirtual) CARRIER_BUILDER.newInstance(scheduler);
      return builder.name("braid-inline").unstarted(task);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create an inline body thread", e);
    }
  }

  /** The carrier scheduler of the current platform thread (its home), or null in default mode. */
  static CarrierScheduler schedulerOfCurrentThread() {
    if (CARRIER_BUILDER == null || Thread.currentThread().isVirtual()) {
      return null;
    }
    return SCHEDULERS.get();
  }
}
