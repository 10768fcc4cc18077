package org.braid.reactor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The transport's queue: order, coalescing, partial gathering writes. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WriteQueueTest {

  /** Takes at most {@code limit} bytes per call and records how many buffers each call offered. */
  private static final class SlowChannel implements GatheringByteChannel {
    final ByteArrayOutputStream taken = new ByteArrayOutputStream();
    final List<Integer> buffersPerCall = new ArrayList<>();
    int limit;
    IOException failure;

    SlowChannel(int limit) {
      this.limit = limit;
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
      if (failure != null) {
        throw failure;
      }
      buffersPerCall.add(length);
      int budget = limit;
      long written = 0;
      for (int i = offset; i < offset + length && budget > 0; i++) {
        ByteBuffer b = srcs[i];
        int n = Math.min(b.remaining(), budget);
        byte[] chunk = new byte[n];
        b.get(chunk);
        taken.writeBytes(chunk);
        budget -= n;
        written += n;
      }
      return written;
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
      return write(srcs, 0, srcs.length);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static byte[] bytes(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (seed + i);
    }
    return b;
  }

  @Test
  void partialWritesKeepOrderAndCountAcrossSmallAndLargePieces() throws IOException {
    WriteQueue queue = new WriteQueue();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 50; i++) {
      byte[] piece = bytes(i % 2 == 0 ? 10 : 5000, i);
      queue.add(piece);
      expected.writeBytes(piece);
    }
    ByteBuffer copied = ByteBuffer.wrap(bytes(3000, 99));
    queue.addCopy(copied);
    expected.writeBytes(bytes(3000, 99));
    assertThat(copied.hasRemaining()).isFalse();
    assertThat(queue.size()).isEqualTo(expected.size());

    SlowChannel channel = new SlowChannel(777);
    long total = 0;
    while (!queue.isEmpty()) {
      long written = queue.writeTo(channel);
      assertThat(written).as("what the socket took before it was full").isBetween(1L, 777L);
      total += written;
      assertThat(queue.size()).isEqualTo(expected.size() - total);
    }

    assertThat(channel.taken.toByteArray()).isEqualTo(expected.toByteArray());
  }

  @Test
  void smallWritesAreCoalescedIntoFewBuffers() throws IOException {
    WriteQueue queue = new WriteQueue();
    for (int i = 0; i < 1000; i++) {
      queue.add(new byte[] {(byte) i});
    }
    SlowChannel channel = new SlowChannel(Integer.MAX_VALUE);

    queue.writeTo(channel);

    assertThat(channel.buffersPerCall).containsExactly(1);
    assertThat(channel.taken.size()).isEqualTo(1000);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void appendingToAPartlyWrittenTailKeepsTheUnsentBytes() throws IOException {
    WriteQueue queue = new WriteQueue();
    queue.add(new byte[] {1, 2, 3, 4});
    SlowChannel channel = new SlowChannel(2);
    queue.writeTo(channel);
    queue.add(new byte[] {5, 6});
    channel.limit = Integer.MAX_VALUE;

    queue.writeTo(channel);

    assertThat(channel.taken.toByteArray()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void aGatheringWriteOffersAtMost64Buffers() throws IOException {
    WriteQueue queue = new WriteQueue();
    for (int i = 0; i < 200; i++) {
      queue.add(bytes(WriteQueue.COALESCE_LIMIT + 1, i));
    }
    SlowChannel channel = new SlowChannel(Integer.MAX_VALUE);

    queue.writeTo(channel);

    assertThat(channel.buffersPerCall).containsExactly(64, 64, 64, 8);
    assertThat(queue.isEmpty()).isTrue();
  }

  @Test
  void aFailingChannelLeavesTheQueueIntactAndClearDropsIt() {
    WriteQueue queue = new WriteQueue();
    queue.add(bytes(5000, 1));
    SlowChannel channel = new SlowChannel(10);
    channel.failure = new IOException("Broken pipe");

    assertThatThrownBy(() -> queue.writeTo(channel)).hasMessage("Broken pipe");
    assertThat(queue.size()).isEqualTo(5000);
    queue.clear();
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.size()).isZero();
  }
}
