package org.braid.protocols.memcache;

import java.util.List;
import java.util.Objects;

/**
 * Writes requests in the memcache text protocol, checking the configured limits first, so that a
 * request that would be refused never leaves the client: a value larger than {@link
 * MemcacheLimits#maxValueLength()}, a get of more than {@link MemcacheLimits#maxKeysPerGet()} keys,
 * a line longer than {@link MemcacheLimits#maxLineLength()}. (Key syntax was checked when the
 * request was built.) Stateless apart from its limits; any thread.
 */
public final class MemcacheRequestEncoder {
  private static final byte[] NOREPLY = Ascii.bytes(" noreply");
  private static final byte[] GET = Ascii.bytes("get");
  private static final byte[] GETS = Ascii.bytes("gets");
  private static final byte[] DELETE = Ascii.bytes("delete ");
  private static final byte[] TOUCH = Ascii.bytes("touch ");
  private static final byte[] STATS = Ascii.bytes("stats");
  private static final byte[] VERSION = Ascii.bytes("version\r\n");
  private static final byte[] FLUSH_ALL = Ascii.bytes("flush_all");
  private static final byte[] QUIT = Ascii.bytes("quit\r\n");

  private final MemcacheLimits limits;

  /** An encoder with {@link MemcacheLimits#DEFAULTS}. */
  public MemcacheRequestEncoder() {
    this(MemcacheLimits.DEFAULTS);
  }

  /**
   * An encoder with the given limits.
   *
   * @param limits what the server accepts
   */
  public MemcacheRequestEncoder(MemcacheLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * The request's bytes: the command line and, for storage commands, the data block.
   *
   * @param request the request
   * @return the bytes to write
   * @throws IllegalArgumentException when the request exceeds a limit; nothing should be sent
   */
  public byte[] encode(MemcacheRequest request) {
    ByteSink line = commandLine(request);
    if (request instanceof MemcacheRequest.Store store) {
      return line.write(store.data()).crlf().toByteArray();
    }
    return line.toByteArray();
  }

  /**
   * The request's bytes as parts for a gathering write ({@code Transport.writeSequence}), without
   * copying a storage command's data: the command line, then the data array itself and CRLF.
   *
   * @param request the request
   * @param out where the parts are appended
   * @throws IllegalArgumentException when the request exceeds a limit; nothing is appended
   */
  public void encodeInto(MemcacheRequest request, List<byte[]> out) {
    byte[] line = commandLine(request).toByteArray();
    out.add(line);
    if (request instanceof MemcacheRequest.Store store) {
      out.add(store.data());
      out.add(Ascii.CRLF);
    }
  }

  private ByteSink commandLine(MemcacheRequest request) {
    ByteSink line = new ByteSink(64);
    switch (request) {
      case MemcacheRequest.Get get -> {
        if (get.keys().size() > limits.maxKeysPerGet()) {
          throw new IllegalArgumentException(get.describe() + ": " + get.keys().size()
              + " keys exceed the maximum " + limits.maxKeysPerGet() + " per get; split the get");
        }
        line.write(get.withCas() ? GETS : GET);
        for (String key : get.keys()) {
          line.space().write(MemcacheKey.encode(key));
        }
      }
      case MemcacheRequest.Store store -> {
        if (store.data().length > limits.maxValueLength()) {
          throw new IllegalArgumentException(store.describe() + ": value length "
              + store.data().length + " bytes exceeds maximum " + limits.maxValueLength());
        }
        line.write(store.command().wireBytes()).space().write(MemcacheKey.encode(store.key()))
            .space().ascii(Integer.toUnsignedString(store.flags()))
            .space().ascii(Integer.toString(store.exptime()))
            .space().ascii(Integer.toString(store.data().length));
        if (store.command() == StorageCommand.CAS) {
          line.space().ascii(Long.toUnsignedString(store.casUnique()));
        }
        noreply(line, store.noreply());
      }
      case MemcacheRequest.Delete delete -> {
        line.write(DELETE).write(MemcacheKey.encode(delete.key()));
        noreply(line, delete.noreply());
      }
      case MemcacheRequest.Counter counter -> {
        line.write(counter.command().wireBytes()).space().write(MemcacheKey.encode(counter.key()))
            .space().ascii(Long.toUnsignedString(counter.delta()));
        noreply(line, counter.noreply());
      }
      case MemcacheRequest.Touch touch -> {
        line.write(TOUCH).write(MemcacheKey.encode(touch.key()))
            .space().ascii(Integer.toString(touch.exptime()));
        noreply(line, touch.noreply());
      }
      case MemcacheRequest.Stats stats -> {
        line.write(STATS);
        for (String argument : stats.arguments()) {
          line.space().utf8(argument);
        }
      }
      case MemcacheRequest.Version version -> {
        return line.write(VERSION);
      }
      case MemcacheRequest.FlushAll flush -> {
        line.write(FLUSH_ALL);
        if (flush.delay() != 0) {
          line.space().ascii(Integer.toString(flush.delay()));
        }
        noreply(line, flush.noreply());
      }
      case MemcacheRequest.Quit quit -> {
        return line.write(QUIT);
      }
    }
    if (line.size() > limits.maxLineLength()) {
      throw new IllegalArgumentException(request.describe() + ": command line length "
          + line.size() + " bytes exceeds maximum " + limits.maxLineLength());
    }
    return line.crlf();
  }

  private static void noreply(ByteSink line, boolean noreply) {
    if (noreply) {
      line.write(NOREPLY);
    }
  }
}
