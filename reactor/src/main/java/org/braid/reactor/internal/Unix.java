package org.braid.reactor.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.braid.deferred.Deferred;
import org.braid.reactor.ClientFactory;
import org.braid.reactor.Connector;
import org.braid.reactor.Factory;
import org.braid.reactor.ListeningPort;
import org.braid.reactor.Reactor;

/**
 * Unix-domain stream sockets on a {@link SelectorLoop}: what {@link Reactor#listenUnix} and {@link
 * Reactor#connectUnix} of the selector reactor call. The transport is the same as TCP's, without
 * the TCP options. Reactor thread only.
 */
public final class Unix {
  /** The accept queue length of Unix ports (Twisted's default for listenUNIX). */
  public static final int BACKLOG = 50;

  private Unix() {}

  /**
   * Listens on a socket file. The file must not exist (a stale one from a crashed process must be
   * removed first, as with Twisted); it is deleted when the port stops listening.
   *
   * @param loop the loop
   * @param path the socket file
   * @param factory builds one protocol per accepted connection
   * @return the listening port
   * @throws UncheckedIOException when the socket cannot be bound ("cannot listen on Unix socket
   *     ...")
   */
  public static ListeningPort listen(SelectorLoop loop, Path path, Factory factory) {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(factory, "factory");
    ServerSocketChannel channel = null;
    boolean bound = false;
    try {
      channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      channel.bind(UnixDomainSocketAddress.of(path), BACKLOG);
      bound = true;
      channel.configureBlocking(false);
      StreamPort listening =
          new StreamPort(loop, channel, "Unix", factory, ServerSocketChannel::accept, path);
      listening.start();
      return listening;
    } catch (IOException e) {
      cleanUp(channel, bound ? path : null);
      String hint = !bound && Files.exists(path) ? " (a file exists at that path)" : "";
      throw new UncheckedIOException(
          "cannot listen on Unix socket " + path + ": " + e.getMessage() + hint, e);
    } catch (RuntimeException e) {
      cleanUp(channel, bound ? path : null);
      throw e;
    }
  }

  /**
   * Connects to a socket file; the attempt starts now (its events begin on the next pass).
   *
   * @param loop the loop
   * @param path the socket file
   * @param factory told how the attempt goes; builds the protocol
   * @param timeout how long the attempt may take, positive
   * @return the connector, already connecting
   */
  public static Connector connect(
      SelectorLoop loop, Path path, ClientFactory factory, Duration timeout) {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(factory, "factory");
    Tcp.checkTimeout(timeout);
    StreamConnector connector = new StreamConnector(loop, new Target(path), factory, timeout);
    connector.connect();
    return connector;
  }

  private static void cleanUp(ServerSocketChannel channel, Path boundFile) {
    try {
      if (channel != null) {
        channel.close();
      }
      if (boundFile != null) {
        Files.deleteIfExists(boundFile);
      }
    } catch (IOException suppressed) {
      // The caller reports the original failure; a leftover file is named in its message.
    }
  }

  /** A socket file to connect to. */
  private record Target(Path path) implements ConnectTarget {
    @Override
    public String kind() {
      return "Unix";
    }

    @Override
    public SocketAddress destination() {
      return UnixDomainSocketAddress.of(path);
    }

    @Override
    public Deferred<SocketAddress> resolve(Reactor reactor) {
      return Deferred.succeed(UnixDomainSocketAddress.of(path));
    }

    @Override
    public SocketChannel open(SocketAddress remote) throws IOException {
      return SocketChannel.open(StandardProtocolFamily.UNIX);
    }
  }
}
