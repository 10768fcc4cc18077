package org.braid.reactor;

/**
 * Which logical thread the calling code belongs to. Usually that is simply the current thread;
 * but an inline body runs on a virtual thread of its own while the thread that resumed it waits,
 * and for every rule of the reactor it <em>is</em> that thread: {@link
 * Reactor#isInReactorThread()} is true in a body resumed by the reactor thread, and blocking calls
 * refuse there as they would on the reactor thread.
 *
 * <p>Adapters that run code on behalf of a waiting thread (the inline module) carry the context
 * across with {@link #capture()} and {@link #restore(Context)}; reactors mark their loop thread
 * with {@link #enterReactor}. Everything else only reads: {@link #owner()} and {@link #reactor()}.
 *
 * <p>Any thread; each method reads or writes the calling thread's own context.
 */
public final class LogicalThread {
  private static final ThreadLocal<Context> CONTEXT = new ThreadLocal<>();

  private LogicalThread() {}

  /**
   * The logical thread's context: the platform thread it belongs to and the reactor, if any, that
   * runs there. Thread-safe (immutable).
   *
   * @param owner the thread whose logical thread this is
   * @param reactor the reactor running on it, or {@code null}
   */
  public record Context(Thread owner, Reactor reactor) {}

  /**
   * The thread the caller acts for: the current thread, or the thread an inline body was resumed
   * by (transitively).
   *
   * @return the owning thread
   */
  public static Thread owner() {
    Context context = CONTEXT.get();
    return context != null ? context.owner() : Thread.currentThread();
  }

  /**
   * The reactor whose loop the caller runs in (directly or as an inline body), or {@code null}.
   *
   * @return the reactor, or null
   */
  public static Reactor reactor() {
    Context context = CONTEXT.get();
    return context != null ? context.reactor() : null;
  }

  /**
   * The calling thread's context, to hand to code that runs on its behalf elsewhere.
   *
   * @return the context
   */
  public static Context capture() {
    Context context = CONTEXT.get();
    return context != null ? context : new Context(Thread.currentThread(), null);
  }

  /**
   * Makes the calling thread act for {@code context}'s owner until the next restore.
   *
   * @param context what {@link #capture()} returned on the owning side
   */
  public static void restore(Context context) {
    CONTEXT.set(context);
  }

  /**
   * Marks the calling thread as the loop thread of {@code reactor} (called by a reactor's {@code
   * run()}).
   *
   * @param reactor the reactor now running on this thread
   */
  public static void enterReactor(Reactor reactor) {
    CONTEXT.set(new Context(Thread.currentThread(), reactor));
  }

  /** Clears the mark made by {@link #enterReactor} (called when {@code run()} returns). */
  public static void exitReactor() {
    CONTEXT.remove();
  }
}
