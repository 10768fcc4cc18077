package org.braid.protocols;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;

/**
 * Test support: a plain blocking socket on the test thread, the peer a Braid server talks to in
 * integration tests. Every read is bounded by {@link RunningReactor#PATIENCE}.
 */
public final class BlockingPeer implements AutoCloseable {
  private final Socket socket = new Socket();
  private final InputStream in;

  /** Connects to {@code address}. */
  public BlockingPeer(SocketAddress address) throws IOException {
    socket.connect(address, (int) RunningReactor.PATIENCE.toMillis());
    socket.setSoTimeout((int) RunningReactor.PATIENCE.toMillis());
    socket.setTcpNoDelay(true);
    in = socket.getInputStream();
  }

  /** Connects to 127.0.0.1:{@code port}. */
  public static BlockingPeer to(int port) throws IOException {
    return new BlockingPeer(new InetSocketAddress("127.0.0.1", port));
  }

  /** Writes and flushes. */
  public BlockingPeer write(byte[] data) throws IOException {
    socket.getOutputStream().write(data);
    socket.getOutputStream().flush();
    return this;
  }

  /** Reads exactly {@code count} bytes. */
  public byte[] read(int count) throws IOException {
    byte[] data = in.readNBytes(count);
    if (data.length < count) {
      throw new AssertionError("peer closed after " + data.length + " of " + count + " bytes");
    }
    return data;
  }

  /** Reads until the server closes the connection; returns what came before. */
  public byte[] readUntilClosed() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        all.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("server did not close the connection within " + RunningReactor.PATIENCE);
    } catch (IOException reset) {
      // A close with unread data may arrive as a reset: closed all the same.
      return all.toByteArray();
    }
    return all.toByteArray();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
