package org.braid.deferred;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A queue whose {@link #get()} gives a Deferred: it fires with the next item, at once if one is
 * pending, else when someone {@link #put puts} one (Twisted's {@code DeferredQueue}).
 *
 * <p>It connects producers and consumers that run at different paces on the same logical thread,
 * e.g. a pool of idle connections, where a borrower waits until one is returned:
 *
 * <pre>{@code
 * DeferredQueue<Connection> idle = DeferredQueue.withBacklog(100); // at most 100 borrowers wait
 *
 * Deferred<String> fetch(String key) {
 *   return idle.get().addCallbackDeferring(connection -> {
 *     Deferred<String> reply = connection.get(key);
 *     reply.addBoth((value, failure) -> {
 *       idle.put(connection); // straight to the next waiting borrower, if any
 *       return failure != null ? failure : value;
 *     });
 *     return reply;
 *   });
 * }
 * }</pre>
 *
 * <p>Hand-offs are synchronous, as in Twisted, so two patterns recurse: a consumer that calls
 * {@code get()} again from its own callback recurses once per pending item (a pending item's
 * Deferred has already fired, so its callbacks run at once), and a getter's callback that puts
 * again, synchronously, recurses once per waiting getter. Take pending items in a loop ({@code
 * while (queue.pending() > 0)}) and wait with a callback only when the queue is empty. ({@link
 * DeferredLock} and {@link DeferredSemaphore} do flatten their own hand-offs, because their
 * {@code run} would otherwise recurse by itself.)
 *
 * <p>Two optional limits, both unbounded by default (Twisted's {@code None}): the <em>size</em>,
 * how many items may be pending with nobody waiting for them ({@link #put} beyond it throws {@link
 * QueueOverflowException}), and the <em>backlog</em>, how many gets may wait on an empty queue
 * ({@link #get} beyond it throws {@link QueueUnderflowException}). A size of 0 makes every put that
 * finds no waiting getter overflow; a backlog of 0 makes every get on an empty queue underflow.
 *
 * <p>An item is handed to the first waiting get synchronously: its callbacks run before {@code
 * put} returns. Gets are served first come, first served. Cancelling a waiting get withdraws it
 * (the next put goes to the next waiter, or to the pending items) and fails it with {@link
 * CancelledException}; cancelling a get that has fired does nothing.
 *
 * <p>Items are never {@code null}, as in {@link java.util.Queue}. Not thread-safe: every method
 * must be called on the owning logical thread (the reactor, or an inline body it runs), like every
 * Deferred.
 *
 * @param <T> the item type
 */
public final class DeferredQueue<T> {
  /**
   * The limit value meaning "no limit", for either limit (Twisted's {@code None}). The queue could
   * not hold that many items anyway.
   */
  public static final int UNBOUNDED = Integer.MAX_VALUE;

  /** Most items pending at once, or {@link #UNBOUNDED}. */
  private final int size;

  /** Most gets waiting at once, or {@link #UNBOUNDED}. */
  private final int backlog;

  /**
   * Items put that no get has taken yet, oldest first. Invariant: at most one of {@link #pending}
   * and {@link #waiting} is non-empty, since a put serves a waiter before it queues and a get takes
   * a pending item before it waits.
   */
  private final ArrayDeque<T> pending = new ArrayDeque<>();

  /** Gets waiting for an item, first in line first; all unfired. */
  private final ArrayDeque<Deferred<T>> waiting = new ArrayDeque<>();

  /** Creates a queue with neither a size nor a backlog limit. Owning logical thread. */
  public DeferredQueue() {
    this(UNBOUNDED, UNBOUNDED);
  }

  /**
   * Creates a queue with both limits. Owning logical thread.
   *
   * @param size most items pending at once, 0 or more, or {@link #UNBOUNDED}
   * @param backlog most gets waiting at once, 0 or more, or {@link #UNBOUNDED}
   * @throws IllegalArgumentException when a limit is negative
   */
  public DeferredQueue(int size, int backlog) {
    if (size < 0) {
      throw new IllegalArgumentException("DeferredQueue size < 0: " + size);
    }
    if (backlog < 0) {
      throw new IllegalArgumentException("DeferredQueue backlog < 0: " + backlog);
    }
    this.size = size;
    this.backlog = backlog;
  }

  /**
   * Creates a queue without limits, like {@link #DeferredQueue()}. Owning logical thread.
   *
   * @param <T> the item type
   * @return a new queue
   */
  public static <T> DeferredQueue<T> unbounded() {
    return new DeferredQueue<>();
  }

  /**
   * Creates a queue with a size limit and an unbounded backlog. Owning logical thread.
   *
   * @param size most items pending at once, 0 or more
   * @param <T> the item type
   * @return a new queue
   * @throws IllegalArgumentException when {@code size} is negative
   */
  public static <T> DeferredQueue<T> withSize(int size) {
    return new DeferredQueue<>(size, UNBOUNDED);
  }

  /**
   * Creates a queue with a backlog limit and an unbounded size. Owning logical thread.
   *
   * @param backlog most gets waiting at once, 0 or more
   * @param <T> the item type
   * @return a new queue
   * @throws IllegalArgumentException when {@code backlog} is negative
   */
  public static <T> DeferredQueue<T> withBacklog(int backlog) {
    return new DeferredQueue<>(UNBOUNDED, backlog);
  }

  /**
   * Adds an item: hands it to the first waiting get, whose callbacks run before this method
   * returns, or else keeps it pending. Owning logical thread.
   *
   * @param item the item, not {@code null}
   * @throws QueueOverflowException when no get is waiting and {@link #sizeLimit()} items are
   *     already pending
   */
  public void put(T item) {
    Objects.requireNonNull(item, "item");
    Deferred<T> getter = waiting.pollFirst();
    if (getter != null) {
      getter.callback(item);
    } else if (pending.size() < size) {
      pending.addLast(item);
    } else {
      throw new QueueOverflowException(
          "DeferredQueue full: "
              + pending.size()
              + " items pending, size limit "
              + size
              + "; no get() is waiting to take this one");
    }
  }

  /**
   * Takes the next item. Owning logical thread.
   *
   * @return a Deferred of the oldest pending item, fired before this method returns when there is
   *     one; else an unfired Deferred that the next put fires (after those of earlier waiting
   *     gets). Cancelling it while it waits withdraws it
   * @throws QueueUnderflowException when nothing is pending and {@link #backlogLimit()} gets are
   *     already waiting
   */
  public Deferred<T> get() {
    T item = pending.pollFirst();
    if (item != null) {
      return Deferred.succeed(item);
    }
    if (waiting.size() >= backlog) {
      throw new QueueUnderflowException(
          "DeferredQueue empty and "
              + waiting.size()
              + " get() calls already waiting, backlog limit "
              + backlog);
    }
    // Only a waiting get can be cancelled (firing drops the canceller): withdraw it.
    Deferred<T> getter = new Deferred<>(d -> waiting.remove(d));
    waiting.addLast(getter);
    return getter;
  }

  /**
   * Tells how many items wait for a get. Owning logical thread.
   *
   * @return the number of pending items
   */
  public int pending() {
    return pending.size();
  }

  /**
   * Tells how many gets wait for an item. Owning logical thread.
   *
   * @return the number of unfired, uncancelled gets
   */
  public int waiting() {
    return waiting.size();
  }

  /**
   * The most items that may be pending at once. Owning logical thread.
   *
   * @return the size limit, or {@link #UNBOUNDED}
   */
  public int sizeLimit() {
    return size;
  }

  /**
   * The most gets that may wait at once. Owning logical thread.
   *
   * @return the backlog limit, or {@link #UNBOUNDED}
   */
  public int backlogLimit() {
    return backlog;
  }

  /**
   * Shows the state and limits, e.g. {@code DeferredQueue[3 pending, 0 waiting, size 10, backlog
   * unbounded]}; never the items.
   */
  @Override
  public String toString() {
    return "DeferredQueue["
        + pending.size()
        + " pending, "
        + waiting.size()
        + " waiting, size "
        + limitToString(size)
        + ", backlog "
        + limitToString(backlog)
        + "]";
  }

  private static String limitToString(int limit) {
    return limit == UNBOUNDED ? "unbounded" : Integer.toString(limit);
  }
}
