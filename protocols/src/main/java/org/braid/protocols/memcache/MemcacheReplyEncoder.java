package org.braid.protocols.memcache;

import java.util.List;
import java.util.Map;

/**
 * Writes replies in the memcache text protocol, for a server. The reply types check their own
 * contents (no line break in a message, a valid key in a value), so every reply can be written.
 * Stateless; any thread.
 */
public final class MemcacheReplyEncoder {
  private static final byte[] VALUE = Ascii.bytes("VALUE ");
  private static final byte[] END = Ascii.bytes("END\r\n");
  private static final byte[] STAT = Ascii.bytes("STAT ");
  private static final byte[] VERSION = Ascii.bytes("VERSION ");
  private static final byte[] OK = Ascii.bytes("OK\r\n");
  private static final byte[] NOT_FOUND = Ascii.bytes("NOT_FOUND\r\n");

  private MemcacheReplyEncoder() {}

  /**
   * The reply's bytes.
   *
   * @param reply the reply
   * @return the bytes to write
   */
  public static byte[] encode(MemcacheReply reply) {
    ByteSink out = new ByteSink(64);
    write(reply, out, null);
    return out.toByteArray();
  }

  /**
   * The reply's bytes as parts for a gathering write ({@code Transport.writeSequence}), without
   * copying values' data arrays.
   *
   * @param reply the reply
   * @param out where the parts are appended
   */
  public static void encodeInto(MemcacheReply reply, List<byte[]> out) {
    ByteSink tail = new ByteSink(64);
    write(reply, tail, out);
    if (tail.size() > 0) {
      out.add(tail.toByteArray());
    }
  }

  /**
   * Writes the reply into {@code sink}; when {@code parts} is given, data arrays go there directly
   * (after flushing what the sink holds) instead of being copied into the sink.
   */
  private static void write(MemcacheReply reply, ByteSink sink, List<byte[]> parts) {
    switch (reply) {
      case GetResult get -> {
        ByteSink current = parts == null ? sink : new ByteSink(64);
        for (Value value : get.values()) {
          current.write(VALUE).write(MemcacheKey.encode(value.key()))
              .space().ascii(Integer.toUnsignedString(value.flags()))
              .space().ascii(Integer.toString(value.data().length));
          if (value.cas().isPresent()) {
            current.space().ascii(Long.toUnsignedString(value.cas().getAsLong()));
          }
          current.crlf();
          if (parts == null) {
            current.write(value.data());
          } else {
            parts.add(current.toByteArray());
            parts.add(value.data());
            current = new ByteSink(64);
          }
          current.crlf();
        }
        current.write(END);
        if (parts != null) {
          parts.add(current.toByteArray());
        }
      }
      case StoreResult store -> sink.ascii(store.name()).crlf();
      case DeleteResult delete -> sink.ascii(delete.name()).crlf();
      case TouchResult touch -> sink.ascii(touch.name()).crlf();
      case CounterResult counter -> {
        if (counter.found()) {
          sink.ascii(Long.toUnsignedString(counter.value().getAsLong())).crlf();
        } else {
          sink.write(NOT_FOUND);
        }
      }
      case StatsResult stats -> {
        for (Map.Entry<String, String> stat : stats.stats().entrySet()) {
          sink.write(STAT).utf8(stat.getKey()).space().utf8(stat.getValue()).crlf();
        }
        sink.write(END);
      }
      case VersionResult version -> sink.write(VERSION).utf8(version.version()).crlf();
      case OkReply ok -> sink.write(OK);
      case ErrorReply error -> sink.utf8(error.line()).crlf();
    }
  }
}
