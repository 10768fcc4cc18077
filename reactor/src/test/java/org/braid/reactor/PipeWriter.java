package org.braid.reactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import org.braid.deferred.Deferred;
import org.braid.reactor.internal.Selectable;
import org.braid.reactor.internal.SelectorLoop;

/**
 * Test support: a minimal write-only "connection" on the sink end of a pipe, driven by the real
 * selector loop. It buffers what the pipe does not accept and, on reactor shutdown, flushes the
 * buffer before closing: what the reactor's shutdown must wait for. Reactor thread only.
 */
final class PipeWriter implements Selectable {
  private final SelectorLoop loop;
  private final Pipe.SinkChannel sink;
  private final SelectionKey key;
  private ByteBuffer pending = ByteBuffer.allocate(0);
  private boolean closing;
  private final Deferred<Void> closed = new Deferred<>();
  Throwable abortedWith;

  PipeWriter(SelectorLoop loop, Pipe.SinkChannel sink) throws IOException {
    this.loop = loop;
    this.sink = sink;
    sink.configureBlocking(false);
    this.key = loop.register(sink, 0, this);
    loop.track(this);
  }

  void write(byte[] data) {
    ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + data.length);
    joined.put(pending).put(data).flip();
    pending = joined;
    flush();
  }

  int pendingBytes() {
    return pending.remaining();
  }

  private void flush() {
    try {
      sink.write(pending);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (pending.hasRemaining()) {
      key.interestOps(SelectionKey.OP_WRITE);
    } else {
      key.interestOps(0);
      if (closing) {
        close();
      }
    }
  }

  @Override
  public void selected(SelectionKey k) {
    flush();
  }

  @Override
  public Deferred<Void> shutdown() {
    closing = true;
    flush();
    return closed;
  }

  @Override
  public void abort(Throwable reason) {
    abortedWith = reason;
    close();
  }

  private void close() {
    if (closed.isCalled()) {
      return;
    }
    key.cancel();
    try {
      sink.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    loop.untrack(this);
    closed.callback(null);
  }

  @Override
  public String describe() {
    return "pipe writer (" + pending.remaining() + " bytes pending)";
  }
}
