package org.braid.protocols;

import org.braid.reactor.Protocol;
import org.braid.reactor.Transport;

/**
 * What the receivers ask of their transport, tolerating a protocol driven without one (a test
 * calling {@code dataReceived} before {@code makeConnection}). Reactor thread only.
 */
final class Connections {
  private Connections() {}

  /** Whether the protocol's transport is closing: then nothing more is delivered. */
  static boolean isDisconnecting(Protocol protocol) {
    Transport transport = protocol.transport();
    return transport != null && transport.isDisconnecting();
  }

  /** The peer, for log lines. */
  static Object peerOf(Protocol protocol) {
    Transport transport = protocol.transport();
    return transport == null ? "(not connected)" : transport.getPeer();
  }

  /** Loses the protocol's connection, if it has one. */
  static void lose(Protocol protocol) {
    Transport transport = protocol.transport();
    if (transport != null) {
      transport.loseConnection();
    }
  }
}
