package org.braid.reactor.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The real reactor's pending timers: a binary min-heap of {@link TimedCall}s keyed by (time,
 * sequence), so calls due at the same time come out in the order they were scheduled.
 *
 * <p>Two trade-offs keep the common operations cheap, as in Twisted's reactor:
 *
 * <ul>
 *   <li><b>Lazy cancellation.</b> {@code cancel()} only counts the call; it leaves the heap when it
 *       reaches the top, or at the next compaction, which runs when more than {@value
 *       #COMPACT_MIN_CANCELLED} cancelled calls make up more than half the heap. Most timers (a
 *       request timeout) are cancelled, not run, so a cancel must not cost a sift.
 *   <li><b>Lazy postponement.</b> A call moved later keeps its old key; when that key reaches the
 *       top, the reactor re-files it under its real time ({@link #refile}). A call moved earlier is
 *       sifted up at once ({@link #moveEarlier}), since it must not run late.
 * </ul>
 *
 * <p>Reactor thread only.
 */
final class TimerHeap {
  /** Compaction does not pay off below this many cancelled calls. */
  static final int COMPACT_MIN_CANCELLED = 50;

  private TimedCall[] heap = new TimedCall[64];
  private int size;
  private int cancelled;

  /** The number of calls in the heap, cancelled ones included. */
  int size() {
    return size;
  }

  /** The number of cancelled calls still in the heap. */
  int cancelledCount() {
    return cancelled;
  }

  /** Files a new pending call under its due time and sequence. */
  void add(TimedCall call) {
    call.heapNanos = call.dueNanos();
    call.heapSequence = call.sequence();
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    heap[size] = call;
    call.heapIndex = size;
    size++;
    siftUp(size - 1);
  }

  /** The call with the smallest key, or {@code null}; it may be cancelled or filed too early. */
  TimedCall peek() {
    return size == 0 ? null : heap[0];
  }

  /** Removes and returns the call with the smallest key. */
  TimedCall poll() {
    TimedCall top = heap[0];
    if (!top.isActive()) {
      cancelled--;
    }
    removeAt(0);
    return top;
  }

  /** Re-files the top call, which was moved later, under its current due time and sequence. */
  void refile(TimedCall top) {
    assert heap[0] == top;
    top.heapNanos = top.dueNanos();
    top.heapSequence = top.sequence();
    siftDown(0);
  }

  /** A pending call got an earlier (time, sequence) than its key: sift it up now. */
  void moveEarlier(TimedCall call) {
    call.heapNanos = call.dueNanos();
    call.heapSequence = call.sequence();
    siftUp(call.heapIndex);
  }

  /** Tells whether the call's key is behind its real (time, sequence). */
  static boolean isFiledEarly(TimedCall call) {
    return call.heapNanos != call.dueNanos() || call.heapSequence != call.sequence();
  }

  /** Tells whether the call's real (time, sequence) is before the key it is filed under. */
  static boolean isBeforeKey(TimedCall call) {
    return call.dueNanos() < call.heapNanos
        || (call.dueNanos() == call.heapNanos && call.sequence() < call.heapSequence);
  }

  /** Counts a cancellation; compacts when cancelled calls dominate. */
  void cancelled(TimedCall call) {
    if (call.heapIndex < 0) {
      return;
    }
    cancelled++;
    if (cancelled > COMPACT_MIN_CANCELLED && cancelled * 2 > size) {
      compact();
    }
  }

  /** Drops every cancelled call and rebuilds the heap in linear time. */
  private void compact() {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      TimedCall call = heap[i];
      if (call.isActive()) {
        heap[kept] = call;
        call.heapIndex = kept;
        kept++;
      } else {
        call.heapIndex = -1;
      }
    }
    Arrays.fill(heap, kept, size, null);
    size = kept;
    cancelled = 0;
    for (int i = (size >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  /** The pending (not cancelled) calls, in no particular order. */
  List<TimedCall> pending() {
    List<TimedCall> result = new ArrayList<>(size - cancelled);
    for (int i = 0; i < size; i++) {
      if (heap[i].isActive()) {
        result.add(heap[i]);
      }
    }
    return result;
  }

  private void removeAt(int index) {
    TimedCall removed = heap[index];
    removed.heapIndex = -1;
    size--;
    if (index == size) {
      heap[size] = null;
      return;
    }
    TimedCall last = heap[size];
    heap[size] = null;
    heap[index] = last;
    last.heapIndex = index;
    siftDown(index);
    if (heap[index] == last) {
      siftUp(index);
    }
  }

  private static boolean less(TimedCall a, TimedCall b) {
    return a.heapNanos < b.heapNanos
        || (a.heapNanos == b.heapNanos && a.heapSequence < b.heapSequence);
  }

  private void siftUp(int index) {
    TimedCall call = heap[index];
    while (index > 0) {
      int parent = (index - 1) >>> 1;
      TimedCall p = heap[parent];
      if (!less(call, p)) {
        break;
      }
      heap[index] = p;
      p.heapIndex = index;
      index = parent;
    }
    heap[index] = call;
    call.heapIndex = index;
  }

  private void siftDown(int index) {
    TimedCall call = heap[index];
    int half = size >>> 1;
    while (index < half) {
      int child = 2 * index + 1;
      int right = child + 1;
      if (right < size && less(heap[right], heap[child])) {
        child = right;
      }
      if (!less(heap[child], call)) {
        break;
      }
      heap[index] = heap[child];
      heap[index].heapIndex = index;
      index = child;
    }
    heap[index] = call;
    call.heapIndex = index;
  }
}
