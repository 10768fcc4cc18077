package org.braid.reactor.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The bytes a transport has accepted but the socket has not taken yet, in order, written with
 * gathering writes.
 *
 * <p>Large arrays are queued without copying (the {@link org.braid.reactor.Transport#write(byte[])}
 * contract forbids changing them afterwards); small writes are copied into a shared tail chunk, so
 * a protocol that writes many tiny pieces costs one iovec per few kilobytes, not one per piece.
 * Reactor thread only.
 */
final class WriteQueue {
  /** Writes up to this size are coalesced into {@link #tail}. */
  static final int COALESCE_LIMIT = 1024;

  /** The size of a coalescing chunk. */
  private static final int TAIL_CAPACITY = 8192;

  /**
   * How many buffers one gathering write hands the kernel. Linux takes up to IOV_MAX (1024);
   * 64 buffers of even 1 KiB fill a socket send buffer, and a small array keeps the copy cheap.
   */
  private static final int GATHER_LIMIT = 64;

  /** Pending buffers in send order, each between its position and limit. */
  private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();

  /** Reused for every gathering write. */
  private final ByteBuffer[] gather = new ByteBuffer[GATHER_LIMIT];

  /**
   * The last buffer of {@link #buffers} when it is a chunk this queue allocated and may append to
   * (its backing array beyond the limit is free); {@code null} otherwise.
   */
  private ByteBuffer tail;

  private long size;

  /**
   * Queues {@code data} (not copied when large).
   *
   * @param data the bytes
   */
  void add(byte[] data) {
    add(data, 0, data.length);
  }

  /**
   * Queues a range of {@code data} (not copied when large).
   *
   * @param data the array
   * @param offset where the range starts
   * @param length how many bytes
   */
  void add(byte[] data, int offset, int length) {
    if (length == 0) {
      return;
    }
    if (length <= COALESCE_LIMIT) {
      appendToTail(ByteBuffer.wrap(data, offset, length));
    } else {
      buffers.addLast(ByteBuffer.wrap(data, offset, length));
      tail = null;
      size += length;
    }
  }

  /**
   * Queues a copy of the remaining bytes of {@code data}; its position is moved to its limit.
   *
   * @param data the bytes; the caller may reuse it afterwards
   */
  void addCopy(ByteBuffer data) {
    int length = data.remaining();
    if (length == 0) {
      return;
    }
    if (length <= COALESCE_LIMIT) {
      appendToTail(data);
    } else {
      ByteBuffer copy = ByteBuffer.allocate(length);
      copy.put(data).flip();
      buffers.addLast(copy);
      tail = null;
      size += length;
    }
  }

  private void appendToTail(ByteBuffer data) {
    int length = data.remaining();
    if (tail == null || tail.capacity() - tail.limit() < length) {
      tail = ByteBuffer.allocate(TAIL_CAPACITY).limit(0);
      buffers.addLast(tail);
    }
    // Write behind the limit through a duplicate, then extend the limit: the unsent part between
    // position and limit stays untouched.
    int end = tail.limit();
    tail.limit(end + length);
    tail.duplicate().position(end).put(data);
    size += length;
  }

  /**
   * Writes as much as {@code channel} takes now.
   *
   * @param channel a non-blocking channel
   * @return how many bytes were written
   * @throws IOException when the channel fails (reset, broken pipe)
   */
  long writeTo(GatheringByteChannel channel) throws IOException {
    long total = 0;
    while (!buffers.isEmpty()) {
      int count = 0;
      for (ByteBuffer buffer : buffers) {
        gather[count++] = buffer;
        if (count == GATHER_LIMIT) {
          break;
        }
      }
      long offered = 0;
      for (int i = 0; i < count; i++) {
        offered += gather[i].remaining();
      }
      long written;
      try {
        written = channel.write(gather, 0, count);
      } finally {
        Arrays.fill(gather, 0, count, null);
      }
      total += written;
      size -= written;
      while (!buffers.isEmpty() && !buffers.peekFirst().hasRemaining()) {
        if (buffers.pollFirst() == tail) {
          tail = null;
        }
      }
      if (written < offered) {
        break; // the socket's send buffer is full
      }
    }
    return total;
  }

  /**
   * Tells whether nothing is queued.
   *
   * @return whether the queue is empty
   */
  boolean isEmpty() {
    return size == 0;
  }

  /**
   * How many bytes are queued.
   *
   * @return the byte count
   */
  long size() {
    return size;
  }

  /** Drops everything queued (abort, or the connection was lost). */
  void clear() {
    buffers.clear();
    tail = null;
    size = 0;
  }
}
