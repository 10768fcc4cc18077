package org.braid.reactor.testing;

/** Writes back what it receives, and records it. */
public class Echo extends RecordingProtocol {
  @Override
  public void dataReceived(byte[] data) {
    super.dataReceived(data);
    transport().write(data);
  }
}
