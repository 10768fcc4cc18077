package org.braid.protocols;

/**
 * Strings prefixed with their length as a 2-byte (16-bit) unsigned big-endian number, so at most
 * 65,535 bytes on the wire (Twisted's {@code Int16StringReceiver}). Subclass it and implement
 * {@link #stringReceived}; see {@link IntNStringReceiver} for the rules. Reactor thread only.
 */
public abstract class Int16StringReceiver extends IntNStringReceiver {
  /** Creates a receiver with the default maximum. */
  protected Int16StringReceiver() {
    super(2);
  }
}
