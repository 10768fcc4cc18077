package org.braid.protocols;

/**
 * Strings prefixed with their length as a 4-byte (32-bit) unsigned big-endian number, so at most
 * 4,294,967,295 bytes on the wire (Twisted's {@code Int32StringReceiver}). Subclass it and implement
 * {@link #stringReceived}; see {@link IntNStringReceiver} for the rules. Reactor thread only.
 */
public abstract class Int32StringReceiver extends IntNStringReceiver {
  /** Creates a receiver with the default maximum. */
  protected Int32StringReceiver() {
    super(4);
  }
}
