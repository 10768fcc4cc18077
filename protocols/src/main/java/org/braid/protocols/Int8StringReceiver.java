package org.braid.protocols;

/**
 * Strings prefixed with their length as a 1-byte (8-bit) unsigned big-endian number, so at most
 * 255 bytes on the wire (Twisted's {@code Int8StringReceiver}). Subclass it and implement
 * {@link #stringReceived}; see {@link IntNStringReceiver} for the rules. Reactor thread only.
 */
public abstract class Int8StringReceiver extends IntNStringReceiver {
  /** Creates a receiver with the default maximum. */
  protected Int8StringReceiver() {
    super(1);
  }
}
