package org.braid.protocols.memcache;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Test support: a plain blocking socket to a memcache server, to send exact request bytes and read
 * exact reply bytes, as a client Braid did not write would. Every read is bounded.
 */
final class RawConnection implements AutoCloseable {
  private static final Duration PATIENCE = Duration.ofSeconds(10);

  private final Socket socket;
  private final InputStream in;

  RawConnection(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) PATIENCE.toMillis());
    socket.setSoTimeout((int) PATIENCE.toMillis());
    in = socket.getInputStream();
  }

  void send(String text) throws IOException {
    send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  void send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
  }

  /** Reads exactly {@code length} bytes, or what came before the peer closed. */
  String read(int length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(length);
    byte[] buffer = new byte[Math.min(length, 65536)];
    while (out.size() < length) {
      int n = in.read(buffer, 0, Math.min(buffer.length, length - out.size()));
      if (n < 0) {
        break;
      }
      out.write(buffer, 0, n);
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads one line, CRLF included. */
  String readLine() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int previous = -1;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return out.toString(StandardCharsets.ISO_8859_1);
      }
      out.write(b);
      if (previous == '\r' && b == '\n') {
        return out.toString(StandardCharsets.ISO_8859_1);
      }
      previous = b;
    }
  }

  /** Reads until the peer closes; returns what came. Fails when it does not close in time. */
  String readUntilClosed() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within " + PATIENCE
          + "; received " + out.toString(StandardCharsets.ISO_8859_1), e);
    } catch (java.net.SocketException reset) {
      // a reset is a close too
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * Proves the connection is open and in step: nothing unread is waiting before the reply to a
   * version request.
   */
  void assertInStep() throws IOException {
    send("version\r\n");
    String line = readLine();
    if (!line.startsWith("VERSION ")) {
      throw new AssertionError("expected the VERSION reply next, got " + line.strip());
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
