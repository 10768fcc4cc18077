package org.braid.protocols.memcache;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.braid.deferred.Failure;
import org.braid.reactor.Protocol;

/** Test support: a client protocol that sends exact bytes and records what comes back. */
final class RecordingClient extends Protocol {
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private Failure lost;

  void send(String text) {
    transport().write(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Override
  public void dataReceived(byte[] data) {
    received.writeBytes(data);
  }

  @Override
  public void connectionLost(Failure reason) {
    lost = reason;
  }

  /** What arrived since the last call. */
  String takeReceived() {
    String text = received.toString(StandardCharsets.ISO_8859_1);
    received.reset();
    return text;
  }

  /** The reason the connection ended, or null while it is open. */
  Failure lost() {
    return lost;
  }
}
