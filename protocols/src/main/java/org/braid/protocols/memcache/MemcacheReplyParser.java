package org.braid.protocols.memcache;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a memcache server's replies from arbitrary chunks of bytes, for a client.
 *
 * <p>Replies come strictly in request order (pipelining), so the parser keeps a FIFO of what each
 * outstanding request expects: call {@link #expect} as each request is written, then {@link #feed}
 * every chunk the transport delivers. Each completed reply is handed over in order; it answers the
 * oldest outstanding request, which the caller's own FIFO holds.
 *
 * <pre>{@code
 * transport.write(encoder.encode(request));
 * parser.expect(request);
 * ...
 * public void dataReceived(byte[] data) {
 *   parser.feed(data, reply -> pending.poll().complete(reply));
 * }
 * }</pre>
 *
 * <p>Error lines ({@code ERROR}, {@code CLIENT_ERROR ...}, {@code SERVER_ERROR ...}) answer the
 * oldest request as an {@link ErrorReply}, even in the middle of a get's values, which are then
 * dropped; the connection stays usable. Broken framing instead throws {@link
 * MemcacheProtocolException}: a line longer than the limit, a bare LF, a malformed VALUE header, a
 * value longer than the limit or not followed by CRLF, a value for a key that was not requested, a
 * reply that does not answer the oldest request (an END to a delete), any reply with no request
 * outstanding. After that the parser is dead and the connection must be dropped.
 *
 * <p>Single-threaded: the reactor thread that owns the connection.
 */
public final class MemcacheReplyParser {
  private static final byte[] VALUE = Ascii.bytes("VALUE ");
  private static final byte[] END = Ascii.bytes("END");
  private static final byte[] STAT = Ascii.bytes("STAT ");
  private static final byte[] VERSION = Ascii.bytes("VERSION ");
  private static final byte[] OK = Ascii.bytes("OK");
  private static final byte[] ERROR = Ascii.bytes("ERROR");
  private static final byte[] CLIENT_ERROR = Ascii.bytes("CLIENT_ERROR");
  private static final byte[] SERVER_ERROR = Ascii.bytes("SERVER_ERROR");
  private static final byte[] STORED = Ascii.bytes("STORED");
  private static final byte[] EXISTS = Ascii.bytes("EXISTS");
  private static final byte[] DELETED = Ascii.bytes("DELETED");
  private static final byte[] TOUCHED = Ascii.bytes("TOUCHED");
  private static final byte[] NOT_FOUND = Ascii.bytes("NOT_FOUND");
  // Twisted's client accepts these spellings too (test_memcache.py: test_errorAdd,
  // test_errorDelete), as very old servers sent them.
  private static final byte[] NOT_FOUND_SPACED = Ascii.bytes("NOT FOUND");
  private static final byte[] NOT_STORED = Ascii.bytes("NOT_STORED");
  private static final byte[] NOT_STORED_SPACED = Ascii.bytes("NOT STORED");

  /** What a request's reply is made of. */
  private enum Kind {
    RETRIEVAL, STORAGE, DELETE, COUNTER, TOUCH, STATS, VERSION, OK
  }

  /**
   * One outstanding request's expectation.
   *
   * @param requestedKeys for a get with several keys, the keys it may return; else null
   */
  private record Expected(Kind kind, String description, String singleKey,
      Set<String> requestedKeys, boolean withCas) {}

  /** Where the parser is in the byte stream. */
  private enum State {
    /** Reading a line (its start may be buffered in {@link #partialLine}). */
    LINE,
    /** Reading a value's data block into {@link #valueData}. */
    DATA,
    /** Expecting the CR after a data block. */
    DATA_CR,
    /** Expecting the LF after a data block. */
    DATA_LF,
    /** Threw a MemcacheProtocolException (see {@link #failure}); accepts nothing more. */
    FAILED
  }

  private final MemcacheLimits limits;
  private final ArrayDeque<Expected> expected = new ArrayDeque<>();
  private final LineBuffer partialLine = new LineBuffer();

  private State state = State.LINE;
  private String failure;
  private boolean feeding;

  /** The head request's values so far (retrieval), or null before its first VALUE. */
  private List<Value> values;
  /** The head request's statistics so far (stats), or null before its first STAT. */
  private Map<String, String> stats;

  /** The value being read in the DATA states. */
  private String valueKey;
  private int valueFlags;
  private OptionalLong valueCas;
  private byte[] valueData;
  private int valueFilled;

  /** A parser with {@link MemcacheLimits#DEFAULTS}. */
  public MemcacheReplyParser() {
    this(MemcacheLimits.DEFAULTS);
  }

  /**
   * A parser with the given limits: {@link MemcacheLimits#maxLineLength()} bounds every reply
   * line, {@link MemcacheLimits#maxValueLength()} every value.
   *
   * @param limits the limits
   */
  public MemcacheReplyParser(MemcacheLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Announces that {@code request} was written: its reply comes after those of the requests
   * announced before. Requests that get no reply (noreply, quit) are ignored. May be called from
   * inside a {@link #feed} consumer.
   *
   * @param request the request just written
   * @throws IllegalStateException when the parser has failed
   */
  public void expect(MemcacheRequest request) {
    checkNotFailed();
    if (!request.expectsReply()) {
      return;
    }
    String description = request.describe();
    Expected next = switch (request) {
      case MemcacheRequest.Get get -> get.keys().size() == 1
          ? new Expected(Kind.RETRIEVAL, description, get.keys().get(0), null, get.withCas())
          : new Expected(Kind.RETRIEVAL, description, null, new HashSet<>(get.keys()),
              get.withCas());
      case MemcacheRequest.Store store -> new Expected(Kind.STORAGE, description, null, null, false);
      case MemcacheRequest.Delete delete -> new Expected(Kind.DELETE, description, null, null,
          false);
      case MemcacheRequest.Counter counter -> new Expected(Kind.COUNTER, description, null, null,
          false);
      case MemcacheRequest.Touch touch -> new Expected(Kind.TOUCH, description, null, null, false);
      case MemcacheRequest.Stats s -> new Expected(Kind.STATS, description, null, null, false);
      case MemcacheRequest.Version version -> new Expected(Kind.VERSION, description, null, null,
          false);
      case MemcacheRequest.FlushAll flush -> new Expected(Kind.OK, description, null, null, false);
      case MemcacheRequest.Quit quit -> throw new AssertionError("quit expects no reply");
    };
    expected.addLast(next);
  }

  /**
   * How many announced requests have not been answered yet.
   *
   * @return the number of outstanding replies
   */
  public int outstanding() {
    return expected.size();
  }

  /**
   * Whether the parser threw a {@link MemcacheProtocolException} and accepts nothing more.
   *
   * @return true once failed
   */
  public boolean failed() {
    return state == State.FAILED;
  }

  /**
   * Parses a chunk and collects the replies it completes.
   *
   * @param data the next bytes from the server, any length
   * @return the completed replies, oldest request first; empty when the chunk completes none
   * @throws MemcacheProtocolException when the bytes break the protocol (replies completed earlier
   *     in this chunk are lost: use {@link #feed(byte[], Consumer)} to receive them first)
   */
  public List<MemcacheReply> feed(byte[] data) {
    List<MemcacheReply> replies = new ArrayList<>(2);
    feed(data, replies::add);
    return replies.isEmpty() ? List.of() : replies;
  }

  /**
   * Parses a chunk, handing each completed reply to {@code consumer} as soon as it is complete,
   * oldest request first. The consumer may call {@link #expect} (to send a new request in
   * response); if it throws, the exception propagates and the parser fails, since the rest of the
   * chunk was not read.
   *
   * @param data the next bytes from the server, any length
   * @param consumer receives each completed reply
   * @throws MemcacheProtocolException when the bytes break the protocol; replies completed before
   *     the offending bytes have been handed over
   * @throws IllegalStateException when the parser has failed, or when called from a consumer
   */
  public void feed(byte[] data, Consumer<? super MemcacheReply> consumer) {
    checkNotFailed();
    if (feeding) {
      throw new IllegalStateException("feed called from inside a feed consumer; the parser reads"
          + " one chunk at a time");
    }
    feeding = true;
    try {
      int position = 0;
      while (position < data.length) {
        position = switch (state) {
          case LINE -> readLine(data, position, consumer);
          case DATA -> readData(data, position);
          case DATA_CR -> readDataEnd(data, position, Ascii.CR, State.DATA_LF);
          case DATA_LF -> readDataEnd(data, position, Ascii.LF, State.LINE);
          case FAILED -> throw new AssertionError("failed parser kept reading");
        };
      }
    } catch (RuntimeException e) {
      if (state != State.FAILED) {
        state = State.FAILED;
        failure = "a reply consumer threw " + e;
      }
      throw e;
    } finally {
      feeding = false;
    }
  }

  private int readLine(byte[] data, int from, Consumer<? super MemcacheReply> consumer) {
    int lf = Ascii.indexOf(data, from, data.length, Ascii.LF);
    if (lf < 0) {
      checkPartialLineLength(partialLine.length() + data.length - from, data, from);
      partialLine.append(data, from, data.length);
      return data.length;
    }
    byte[] line;
    int lineStart;
    int lineEnd; // the LF
    if (partialLine.isEmpty()) {
      line = data;
      lineStart = from;
      lineEnd = lf;
    } else {
      checkPartialLineLength(partialLine.length() + lf - from, data, from);
      partialLine.append(data, from, lf);
      line = partialLine.array();
      lineStart = 0;
      lineEnd = partialLine.length();
    }
    if (lineEnd == lineStart || line[lineEnd - 1] != Ascii.CR) {
      throw fail("reply line ends with a bare LF instead of CRLF: "
          + Ascii.excerpt(line, lineStart, lineEnd));
    }
    int contentEnd = lineEnd - 1;
    if (contentEnd - lineStart > limits.maxLineLength()) {
      throw fail("reply line length " + (contentEnd - lineStart) + " exceeds maximum "
          + limits.maxLineLength() + ": " + Ascii.excerpt(line, lineStart, contentEnd));
    }
    MemcacheReply reply = parseLine(line, lineStart, contentEnd);
    partialLine.clear();
    if (reply != null) {
      expected.removeFirst();
      consumer.accept(reply);
    }
    return lf + 1;
  }

  private void checkPartialLineLength(int buffered, byte[] data, int from) {
    // maxLineLength content bytes plus the CR may wait for their LF; anything longer cannot
    // become a valid line, so fail now instead of buffering without bound.
    if (buffered > limits.maxLineLength() + 1) {
      String start = partialLine.isEmpty()
          ? Ascii.excerpt(data, from, Math.min(data.length, from + 60))
          : Ascii.excerpt(partialLine.array(), 0, Math.min(partialLine.length(), 60));
      throw fail("reply line length exceeds maximum " + limits.maxLineLength() + ": " + buffered
          + " bytes without LF so far, starting " + start);
    }
  }

  /** Parses one line (without CRLF); returns the reply it completes, or null. */
  private MemcacheReply parseLine(byte[] line, int from, int to) {
    Expected head = expected.peekFirst();
    if (head == null) {
      throw fail("unexpected reply line with no request outstanding: "
          + Ascii.excerpt(line, from, to));
    }
    ErrorReply error = errorLine(line, from, to);
    if (error != null) {
      values = null;
      stats = null;
      return error;
    }
    switch (head.kind()) {
      case RETRIEVAL -> {
        if (Ascii.startsWith(line, from, to, VALUE)) {
          startValue(head, line, from, to);
          return null;
        }
        if (Ascii.equals(line, from, to, END)) {
          GetResult result = values == null ? GetResult.EMPTY : new GetResult(values);
          values = null;
          return result;
        }
      }
      case STATS -> {
        if (Ascii.startsWith(line, from, to, STAT)) {
          addStat(line, from + STAT.length, to);
          return null;
        }
        if (Ascii.equals(line, from, to, END)) {
          StatsResult result = new StatsResult(stats == null ? Map.of() : stats);
          stats = null;
          return result;
        }
      }
      case STORAGE -> {
        if (Ascii.equals(line, from, to, STORED)) {
          return StoreResult.STORED;
        }
        if (Ascii.equals(line, from, to, NOT_STORED)
            || Ascii.equals(line, from, to, NOT_STORED_SPACED)) {
          return StoreResult.NOT_STORED;
        }
        if (Ascii.equals(line, from, to, EXISTS)) {
          return StoreResult.EXISTS;
        }
        if (isNotFound(line, from, to)) {
          return StoreResult.NOT_FOUND;
        }
      }
      case DELETE -> {
        if (Ascii.equals(line, from, to, DELETED)) {
          return DeleteResult.DELETED;
        }
        if (isNotFound(line, from, to)) {
          return DeleteResult.NOT_FOUND;
        }
      }
      case TOUCH -> {
        if (Ascii.equals(line, from, to, TOUCHED)) {
          return TouchResult.TOUCHED;
        }
        if (isNotFound(line, from, to)) {
          return TouchResult.NOT_FOUND;
        }
      }
      case COUNTER -> {
        if (isNotFound(line, from, to)) {
          return CounterResult.NOT_FOUND;
        }
        Long value = Ascii.parseUnsigned64(line, from, to);
        if (value != null) {
          return CounterResult.of(value);
        }
      }
      case VERSION -> {
        if (Ascii.startsWith(line, from, to, VERSION)) {
          return new VersionResult(
              Ascii.string(line, from + VERSION.length, to).replace('\r', ' '));
        }
      }
      case OK -> {
        if (Ascii.equals(line, from, to, OK)) {
          return OkReply.OK;
        }
      }
    }
    throw fail("unexpected reply line " + Ascii.excerpt(line, from, to) + " to "
        + head.description());
  }

  private static boolean isNotFound(byte[] line, int from, int to) {
    return Ascii.equals(line, from, to, NOT_FOUND) || Ascii.equals(line, from, to, NOT_FOUND_SPACED);
  }

  /** The error line in line[from, to), or null when it is not one. */
  private static ErrorReply errorLine(byte[] line, int from, int to) {
    ErrorReply.Kind kind;
    int keywordEnd;
    if (Ascii.startsWith(line, from, to, ERROR)) {
      kind = ErrorReply.Kind.ERROR;
      keywordEnd = from + ERROR.length;
    } else if (Ascii.startsWith(line, from, to, CLIENT_ERROR)) {
      kind = ErrorReply.Kind.CLIENT_ERROR;
      keywordEnd = from + CLIENT_ERROR.length;
    } else if (Ascii.startsWith(line, from, to, SERVER_ERROR)) {
      kind = ErrorReply.Kind.SERVER_ERROR;
      keywordEnd = from + SERVER_ERROR.length;
    } else {
      return null;
    }
    if (keywordEnd == to) {
      return new ErrorReply(kind, "");
    }
    if (line[keywordEnd] != Ascii.SPACE) {
      return null; // e.g. "ERRORS": not an error line
    }
    // The CR of CRLF is not part of the line; a stray CR inside the message would make it
    // unencodable, so it is dropped rather than failing a reply that is an error anyway.
    String message = Ascii.string(line, keywordEnd + 1, to).replace('\r', ' ');
    return new ErrorReply(kind, message);
  }

  private void startValue(Expected head, byte[] line, int from, int to) {
    int[] tokens = new int[10]; // start/end pairs of up to 5 tokens
    int count = split(line, from + VALUE.length, to, tokens);
    String header = Ascii.excerpt(line, from, to);
    boolean withCas = count == 4;
    if (count < 3 || count > 4 || (head.withCas() && !withCas)) {
      throw fail("malformed VALUE line for " + head.description() + ": expected "
          + (head.withCas() ? "VALUE <key> <flags> <bytes> <cas>" : "VALUE <key> <flags> <bytes>")
          + ", got " + header);
    }
    String key = MemcacheKey.decode(line, tokens[0], tokens[1]);
    if (key == null || MemcacheKey.problem(line, tokens[0], tokens[1]) != null) {
      throw fail("malformed key in VALUE line for " + head.description() + ": " + header);
    }
    boolean requested = head.singleKey() != null
        ? head.singleKey().equals(key)
        : head.requestedKeys().contains(key);
    if (!requested) {
      throw fail("VALUE for key " + Ascii.excerpt(key) + " which was not requested by "
          + head.description());
    }
    long flags = Ascii.parseDecimal(line, tokens[2], tokens[3], 0xFFFF_FFFFL);
    if (flags < 0) {
      throw fail("bad flags in VALUE line (an unsigned 32-bit number expected): " + header);
    }
    long length = Ascii.parseDecimal(line, tokens[4], tokens[5], Integer.MAX_VALUE);
    if (length < 0) {
      throw fail("bad data length in VALUE line (a non-negative 31-bit number expected): "
          + header);
    }
    if (length > limits.maxValueLength()) {
      throw fail("value length " + length + " of key " + Ascii.excerpt(key) + " exceeds maximum "
          + limits.maxValueLength());
    }
    OptionalLong cas = OptionalLong.empty();
    if (withCas) {
      Long unique = Ascii.parseUnsigned64(line, tokens[6], tokens[7]);
      if (unique == null) {
        throw fail("bad cas unique in VALUE line (an unsigned 64-bit number expected): "
            + header);
      }
      cas = OptionalLong.of(unique);
    }
    valueKey = key;
    valueFlags = (int) flags;
    valueCas = cas;
    valueData = new byte[(int) length];
    valueFilled = 0;
    state = length == 0 ? State.DATA_CR : State.DATA;
  }

  private void addStat(byte[] line, int from, int to) {
    // "STAT <name> <value>": the name ends at the first space; the value is the rest (it may
    // contain spaces, e.g. "STAT version 1.6.21 (Ubuntu)", or be empty).
    int space = Ascii.indexOf(line, from, to, Ascii.SPACE);
    int nameEnd = space < 0 ? to : space;
    if (nameEnd == from || Ascii.indexOf(line, from, nameEnd, Ascii.CR) >= 0) {
      throw fail("malformed STAT line, the name is empty or has a CR: "
          + Ascii.excerpt(line, from - STAT.length, to));
    }
    if (stats == null) {
      stats = new LinkedHashMap<>();
    }
    String name = Ascii.string(line, from, nameEnd);
    // A stray CR in the value would make it unencodable; the value may hold spaces, so a space
    // stands in for it. (Replacing a CR in the name would create a space there: it fails above.)
    String value = space < 0 ? "" : Ascii.string(line, space + 1, to).replace('\r', ' ');
    stats.put(name, value);
  }

  /**
   * Splits by single spaces into up to tokens.length / 2 tokens.
   *
   * @return the number of tokens, or tokens.length / 2 + 1 when there are more or one is empty
   */
  private static int split(byte[] line, int from, int to, int[] tokens) {
    int max = tokens.length / 2;
    int count = 0;
    int start = from;
    for (int i = from; i <= to; i++) {
      if (i == to || line[i] == Ascii.SPACE) {
        if (i == start || count == max) {
          return max + 1; // an empty token (double space, trailing space) or too many
        }
        tokens[2 * count] = start;
        tokens[2 * count + 1] = i;
        count++;
        start = i + 1;
      }
    }
    return count;
  }

  private int readData(byte[] data, int from) {
    int take = Math.min(valueData.length - valueFilled, data.length - from);
    System.arraycopy(data, from, valueData, valueFilled, take);
    valueFilled += take;
    if (valueFilled == valueData.length) {
      state = State.DATA_CR;
    }
    return from + take;
  }

  private int readDataEnd(byte[] data, int from, byte wanted, State next) {
    if (data[from] != wanted) {
      throw fail(String.format(
          "data block of key %s is not followed by CRLF: byte 0x%02x where 0x%02x was expected"
              + " after the %d bytes the VALUE line announced",
          Ascii.excerpt(valueKey), data[from] & 0xFF, wanted, valueData.length));
    }
    state = next;
    if (next == State.LINE) {
      if (values == null) {
        values = new ArrayList<>(2);
      }
      values.add(new Value(valueKey, valueFlags, valueData, valueCas));
      valueData = null;
      valueKey = null;
    }
    return from + 1;
  }

  private MemcacheProtocolException fail(String message) {
    state = State.FAILED;
    failure = message;
    partialLine.clear();
    return new MemcacheProtocolException(message);
  }

  private void checkNotFailed() {
    if (state == State.FAILED) {
      throw new IllegalStateException("reply parser failed earlier (" + failure
          + "); the connection must be dropped");
    }
  }

  @Override
  public String toString() {
    return "MemcacheReplyParser[" + state + ", " + expected.size() + " outstanding"
        + (expected.isEmpty() ? "" : ", next: " + expected.peekFirst().description()) + "]";
  }
}
