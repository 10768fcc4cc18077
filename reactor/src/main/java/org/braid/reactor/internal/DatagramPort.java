package org.braid.reactor.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.braid.deferred.Deferred;
import org.braid.reactor.DatagramProtocol;
import org.braid.reactor.DatagramTransport;
import org.braid.reactor.ListeningPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound UDP socket and its {@link DatagramProtocol}: both the listening port and the protocol's
 * transport (Twisted's {@code udp.Port}).
 *
 * <p>Each readiness event reads up to {@link #DATAGRAMS_PER_PASS} datagrams, each into the loop's
 * read buffer and then a fresh array of exactly its length. A protocol that throws from {@code
 * datagramReceived} is logged with the sender; the port keeps listening (there is no connection to
 * drop). Sends never block: a datagram the socket cannot take now is dropped and logged at debug.
 * Reactor thread only.
 */
public final class DatagramPort implements ListeningPort, DatagramTransport, Selectable {
  private static final Logger LOG = LoggerFactory.getLogger(DatagramPort.class);

  /** Datagrams read per readiness event, so one busy port does not starve the loop. */
  static final int DATAGRAMS_PER_PASS = 64;

  /** The largest UDP payload over IPv4: 65,535 minus the IP and UDP headers. */
  public static final int MAX_DATAGRAM = 65_507;

  private final SelectorLoop loop;
  private final DatagramChannel channel;
  private final DatagramProtocol protocol;
  private final SocketAddress host;
  private SelectionKey key;

  /** Closed by {@link #stopListening()}; then no reads, and writes throw. */
  private boolean closed;

  private boolean released;
  private List<Deferred<Void>> stopWaiters;

  DatagramPort(SelectorLoop loop, DatagramChannel channel, DatagramProtocol protocol)
      throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.protocol = protocol;
    this.host = channel.getLocalAddress();
  }

  /** Registers for reads and starts the protocol ({@code startProtocol}). */
  void start() throws IOException {
    key = loop.register(channel, SelectionKey.OP_READ, this);
    loop.track(this);
    try {
      protocol.makeConnection(this);
    } catch (Throwable t) {
      LOG.error("{} threw from startProtocol on {}; the port keeps listening", nameOfProtocol(), describe(), t);
    }
  }

  @Override
  public void selected(SelectionKey selected) {
    for (int i = 0; i < DATAGRAMS_PER_PASS && !closed; i++) {
      ByteBuffer buffer = ReadBuffer.acquire();
      SocketAddress sender;
      try {
        sender = channel.receive(buffer);
      } catch (IOException e) {
        // E.g. an ICMP error reported on the socket: it concerns an earlier send, not this port.
        LOG.debug("{}: receive failed", describe(), e);
        return;
      }
      if (sender == null) {
        return;
      }
      byte[] data = ReadBuffer.drain(buffer);
      try {
        protocol.datagramReceived(data, sender);
      } catch (Throwable t) {
        LOG.error(
            "{} threw from datagramReceived on {} for a datagram from {}; the port keeps listening",
            nameOfProtocol(),
            describe(),
            Addresses.format(sender),
            t);
      }
    }
  }

  /**
   * Sends one datagram now, or drops it (logged at debug) when the socket cannot take it.
   *
   * @throws IllegalArgumentException when {@code data} is longer than {@link #MAX_DATAGRAM}
   * @throws IllegalStateException when the port has stopped listening
   */
  @Override
  public void write(byte[] data, SocketAddress to) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(to, "to");
    if (data.length > MAX_DATAGRAM) {
      throw new IllegalArgumentException(
          "datagram length " + data.length + " exceeds maximum " + MAX_DATAGRAM);
    }
    if (closed) {
      throw new IllegalStateException("cannot write: " + describe() + " has stopped listening");
    }
    try {
      if (channel.send(ByteBuffer.wrap(data), to) == 0) {
        LOG.debug("{}: send buffer full; dropped a {}-byte datagram to {}", describe(), data.length, Addresses.format(to));
      }
    } catch (IOException e) {
      LOG.debug("{}: sending a {}-byte datagram to {} failed", describe(), data.length, Addresses.format(to), e);
    }
  }

  @Override
  public SocketAddress getHost() {
    return host;
  }

  /**
   * Closes the socket; once it is released (on a later pass) the protocol's {@code stopProtocol}
   * runs and the Deferred fires.
   */
  @Override
  public Deferred<Void> stopListening() {
    if (released) {
      return Deferred.succeed(null);
    }
    Deferred<Void> stopped = new Deferred<>();
    if (stopWaiters == null) {
      stopWaiters = new ArrayList<>(1);
    }
    stopWaiters.add(stopped);
    if (!closed) {
      closed = true;
      if (key != null) {
        key.cancel();
      }
      loop.untrack(this);
      ChannelRelease.close(loop, channel, describe(), this::released);
    }
    return stopped;
  }

  private void released() {
    released = true;
    try {
      protocol.stopProtocol();
    } catch (Throwable t) {
      LOG.error("{} threw from stopProtocol on {}", nameOfProtocol(), describe(), t);
    }
    List<Deferred<Void>> waiters = stopWaiters;
    stopWaiters = null;
    for (Deferred<Void> waiter : waiters) {
      waiter.callback(null);
    }
  }

  @Override
  public Deferred<Void> shutdown() {
    return stopListening();
  }

  @Override
  public void abort(Throwable reason) {
    LOG.debug("{}: closing because {}", describe(), reason.toString());
    stopListening();
  }

  private String nameOfProtocol() {
    return Addresses.nameOf(protocol);
  }

  @Override
  public String describe() {
    return "UDP port " + Addresses.format(host) + " (" + nameOfProtocol() + ")";
  }

  @Override
  public String toString() {
    return describe() + (closed ? " [closed]" : " [listening]");
  }
}
