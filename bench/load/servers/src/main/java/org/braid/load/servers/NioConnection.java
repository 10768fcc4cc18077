package org.braid.load.servers;

import java.nio.ByteBuffer;

/**
 * What {@link NioLineEchoServer} must remember about one connection between two reads:
 * the start of a line that has not ended yet, and echo bytes the kernel has not taken.
 *
 * <p>Created only when a connection first needs it (most never do: with whole short lines
 * and room in the socket buffer every read is echoed at once), so an idle connection costs
 * no more than its channel and selection key. Used on the server's selector thread only.
 */
final class NioConnection {

    /** Bytes of an incomplete line, ready to read (position 0, limit = length); null when none. */
    ByteBuffer carry;

    /** Echo bytes not yet written, ready to read; null when none. While set, reads stop. */
    ByteBuffer pending;

    /** Whether this state holds nothing, so the selection key can drop it. */
    boolean isEmpty() {
        return carry == null && pending == null;
    }

    @Override
    public String toString() {
        return "NioConnection[carry=" + (carry == null ? 0 : carry.remaining())
                + " bytes, pending=" + (pending == null ? 0 : pending.remaining()) + " bytes]";
    }
}
