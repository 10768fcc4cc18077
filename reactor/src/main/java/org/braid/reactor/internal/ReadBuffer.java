package org.braid.reactor.internal;

import java.nio.ByteBuffer;

/**
 * The one direct buffer each reactor thread reads every socket into, before the bytes read are
 * copied into a fresh array for the protocol.
 *
 * <p>Why a thread-local: a loop is one thread, and every read on it finishes (copying out) before
 * the next begins, so one buffer per loop thread serves every connection and port of that loop.
 * {@link SelectorLoop} does not hand out a buffer, and a thread-local gives exactly "one per loop"
 * without one. Direct, so the kernel copies straight into it instead of through the JDK's
 * temporary buffer cache. Reactor thread only.
 */
final class ReadBuffer {
  /**
   * The size of the buffer: the most one read takes from a stream socket, and room for the largest
   * UDP datagram (65,507 bytes of IPv4 payload).
   */
  static final int CAPACITY = 64 * 1024;

  private static final ThreadLocal<ByteBuffer> BUFFERS =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CAPACITY));

  private ReadBuffer() {}

  /**
   * The calling thread's buffer, cleared and ready to read into.
   *
   * @return the buffer
   */
  static ByteBuffer acquire() {
    return BUFFERS.get().clear();
  }

  /**
   * Copies what was read into {@code buffer} (from 0 to its position) into a new array.
   *
   * @param buffer the buffer a read filled
   * @return exactly the bytes read
   */
  static byte[] drain(ByteBuffer buffer) {
    buffer.flip();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
