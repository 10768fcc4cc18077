package org.braid.protocols.memcache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Reads memcache text-protocol requests from arbitrary chunks of bytes, for a server.
 *
 * <p>Each complete request is handed over as a {@link MemcacheRequest}; a request that cannot be
 * executed as a {@link RejectedRequest} carrying the error line to answer with. Commands: get,
 * gets, set, add, replace, append, prepend, cas, delete, incr, decr, touch, stats, version,
 * flush_all, quit, with memcached's syntax: tokens separated by runs of spaces, lines ending in LF
 * or CRLF, storage commands followed by a data block of exactly the announced length and CRLF,
 * {@code noreply} as the last token of the commands that take it. Words after what a command needs
 * are ignored for storage commands, version and quit, as memcached does.
 *
 * <table>
 *   <caption>Rejections (error replies are not sent for a command ending in noreply)</caption>
 *   <tr><th>input</th><th>reply</th><th>then</th></tr>
 *   <tr><td>unknown command, wrong number of tokens, empty line</td><td>{@code ERROR}</td>
 *       <td>go on</td></tr>
 *   <tr><td>invalid key, flags, exptime, cas unique; too many keys</td>
 *       <td>{@code CLIENT_ERROR ...}</td><td>go on, skipping a storage command's data block</td></tr>
 *   <tr><td>bad delta, bad touch or flush_all time</td>
 *       <td>{@code CLIENT_ERROR invalid numeric delta argument}, {@code ... invalid exptime
 *       argument}</td><td>go on</td></tr>
 *   <tr><td>value longer than {@link MemcacheLimits#maxValueLength()}</td>
 *       <td>{@code SERVER_ERROR object too large for cache}</td><td>skip the data block, go on
 *       </td></tr>
 *   <tr><td>storage command too short to hold a data length</td><td>{@code ERROR}</td>
 *       <td>close</td></tr>
 *   <tr><td>storage command whose data length cannot be read</td>
 *       <td>{@code CLIENT_ERROR bad command line format}</td><td>close</td></tr>
 *   <tr><td>line longer than {@link MemcacheLimits#maxLineLength()}</td>
 *       <td>{@code CLIENT_ERROR line too long}</td><td>close</td></tr>
 *   <tr><td>data block not followed by CRLF</td><td>{@code CLIENT_ERROR bad data chunk}</td>
 *       <td>close</td></tr>
 * </table>
 *
 * <p>The replies and their texts were checked against memcached 1.6.18. Deliberate differences,
 * all so that a client's data is never executed as commands: memcached answers a storage command
 * with a bad key or flags and then reads its data block as the next command, where this parser
 * skips the block; after a bad data chunk, or a storage line without a readable length, memcached
 * goes on reading commands from wherever it stands, where this parser asks for the connection to be
 * closed. And memcached accepts control characters in keys, which Braid refuses ({@link
 * MemcacheKey}).
 *
 * <p>After a rejection that closes the connection, or after quit, the parser is closed: the rest
 * of the chunk and anything fed later is ignored. Single-threaded: the reactor thread that owns
 * the connection.
 */
public final class MemcacheRequestParser {
  private static final byte[] GET = Ascii.bytes("get");
  private static final byte[] GETS = Ascii.bytes("gets");
  private static final byte[] DELETE = Ascii.bytes("delete");
  private static final byte[] TOUCH = Ascii.bytes("touch");
  private static final byte[] STATS = Ascii.bytes("stats");
  private static final byte[] VERSION = Ascii.bytes("version");
  private static final byte[] FLUSH_ALL = Ascii.bytes("flush_all");
  private static final byte[] QUIT = Ascii.bytes("quit");
  private static final byte[] NOREPLY = Ascii.bytes("noreply");
  private static final byte[] ZERO = Ascii.bytes("0");

  static final String BAD_FORMAT = "bad command line format";
  static final String DELETE_USAGE = "bad command line format.  Usage: delete <key> [noreply]";

  /** Where the parser is in the byte stream. */
  private enum State {
    /** Reading a command line (its start may be buffered in {@link #partialLine}). */
    LINE,
    /** Reading a storage command's data block into {@link #storeData}. */
    DATA,
    /** Expecting the CR after a data block. */
    DATA_CR,
    /** Expecting the LF after a data block. */
    DATA_LF,
    /** Discarding {@link #swallowRemaining} bytes: a rejected storage command's data block. */
    SWALLOW,
    /** After quit or a rejection that closes the connection; ignores all input. */
    CLOSED
  }

  private final MemcacheLimits limits;
  private final LineBuffer partialLine = new LineBuffer();
  private int[] tokens = new int[16];

  private State state = State.LINE;
  private long swallowRemaining;
  /** Whether the line being parsed ends with noreply (for a command that takes it). */
  private boolean lineNoreply;

  /** The storage command whose data block is being read. */
  private StorageCommand storeCommand;
  private String storeKey;
  private int storeFlags;
  private int storeExptime;
  private long storeCas;
  private boolean storeNoreply;
  private byte[] storeData;
  private int storeFilled;

  /** A parser with {@link MemcacheLimits#DEFAULTS}. */
  public MemcacheRequestParser() {
    this(MemcacheLimits.DEFAULTS);
  }

  /**
   * A parser with the given limits.
   *
   * @param limits the longest line, the largest value, the most keys per get
   */
  public MemcacheRequestParser(MemcacheLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /**
   * Whether the parser stopped reading: after quit or a rejection that closes the connection.
   *
   * @return true once closed
   */
  public boolean closed() {
    return state == State.CLOSED;
  }

  /**
   * Parses a chunk and collects what it completes.
   *
   * @param data the next bytes from the client, any length
   * @return the requests and rejections completed by this chunk, in order
   */
  public List<ParsedRequest> feed(byte[] data) {
    List<ParsedRequest> parsed = new ArrayList<>(2);
    feed(data, parsed::add);
    return parsed.isEmpty() ? List.of() : parsed;
  }

  /**
   * Parses a chunk, handing each request or rejection to {@code consumer} as soon as it is
   * complete, so a server can answer in order. After a closing rejection or quit the rest of the
   * chunk is ignored.
   *
   * @param data the next bytes from the client, any length
   * @param consumer receives each request or rejection
   */
  public void feed(byte[] data, Consumer<? super ParsedRequest> consumer) {
    int position = 0;
    while (position < data.length && state != State.CLOSED) {
      position = switch (state) {
        case LINE -> readLine(data, position, consumer);
        case DATA -> readData(data, position);
        case DATA_CR -> readDataEnd(data, position, Ascii.CR, State.DATA_LF, consumer);
        case DATA_LF -> readDataEnd(data, position, Ascii.LF, State.LINE, consumer);
        case SWALLOW -> swallow(data, position);
        case CLOSED -> throw new AssertionError("closed parser kept reading");
      };
    }
  }

  private int readLine(byte[] data, int from, Consumer<? super ParsedRequest> consumer) {
    int lf = Ascii.indexOf(data, from, data.length, Ascii.LF);
    if (lf < 0) {
      int buffered = partialLine.length() + data.length - from;
      if (buffered > limits.maxLineLength() + 1) { // + 1: a CR may still wait for its LF
        emit(consumer, lineTooLong(buffered + " bytes without LF so far", data, from));
      } else {
        partialLine.append(data, from, data.length);
      }
      return data.length;
    }
    byte[] line;
    int start;
    int end;
    if (partialLine.isEmpty()) {
      line = data;
      start = from;
      end = lf;
    } else {
      if (partialLine.length() + lf - from > limits.maxLineLength() + 1) {
        emit(consumer, lineTooLong((partialLine.length() + lf - from) + " bytes", data, from));
        return lf + 1;
      }
      partialLine.append(data, from, lf);
      line = partialLine.array();
      start = 0;
      end = partialLine.length();
    }
    if (end > start && line[end - 1] == Ascii.CR) {
      end--; // memcached accepts LF and CRLF line ends
    }
    if (end - start > limits.maxLineLength()) {
      emit(consumer, lineTooLong((end - start) + " bytes", line, start));
      return lf + 1;
    }
    ParsedRequest parsed = parseLine(line, start, end);
    partialLine.clear();
    if (parsed != null) {
      emit(consumer, parsed);
    }
    return lf + 1;
  }

  private RejectedRequest lineTooLong(String length, byte[] data, int from) {
    // Show the line's start: the buffered part if any, else the chunk's.
    String start = partialLine.isEmpty()
        ? Ascii.excerpt(data, from, Math.min(data.length, from + 60))
        : Ascii.excerpt(partialLine.array(), 0, Math.min(partialLine.length(), 60));
    return new RejectedRequest(ErrorReply.clientError("line too long"), false, true,
        "request line length exceeds maximum " + limits.maxLineLength() + ": " + length
            + ", starting " + start);
  }

  private void emit(Consumer<? super ParsedRequest> consumer, ParsedRequest parsed) {
    if (parsed instanceof RejectedRequest rejected && rejected.closeConnection()
        || parsed instanceof MemcacheRequest.Quit) {
      close();
    }
    consumer.accept(parsed);
  }

  private void close() {
    state = State.CLOSED;
    partialLine.clear();
    storeData = null;
  }

  /** Parses a command line; returns what it completes, or null when a data block follows. */
  private ParsedRequest parseLine(byte[] line, int from, int to) {
    int count = tokenize(line, from, to);
    // memcached's rule (set_noreply_maybe): a command that takes noreply has it as last token.
    // get takes none ("noreply" is then a key), and unknown commands are answered regardless.
    lineNoreply = count >= 2 && isToken(line, count - 1, NOREPLY);
    if (count == 0) {
      return rejectWith(ErrorReply.error(), "empty command line");
    }
    int nameStart = tokens[0];
    int nameEnd = tokens[1];
    if (Ascii.equals(line, nameStart, nameEnd, GET)) {
      lineNoreply = false;
      return parseGet(line, count, false);
    }
    if (Ascii.equals(line, nameStart, nameEnd, GETS)) {
      lineNoreply = false;
      return parseGet(line, count, true);
    }
    for (StorageCommand command : StorageCommand.values()) {
      if (Ascii.equals(line, nameStart, nameEnd, command.wireBytes())) {
        return parseStorage(command, line, from, to, count);
      }
    }
    if (Ascii.equals(line, nameStart, nameEnd, DELETE)) {
      return parseDelete(line, count);
    }
    for (CounterCommand command : CounterCommand.values()) {
      if (Ascii.equals(line, nameStart, nameEnd, command.wireBytes())) {
        return parseCounter(command, line, count);
      }
    }
    if (Ascii.equals(line, nameStart, nameEnd, TOUCH)) {
      return parseTouch(line, count);
    }
    if (Ascii.equals(line, nameStart, nameEnd, STATS)) {
      return parseStats(line, count);
    }
    // memcached ignores words after version and quit.
    if (Ascii.equals(line, nameStart, nameEnd, VERSION)) {
      return new MemcacheRequest.Version();
    }
    if (Ascii.equals(line, nameStart, nameEnd, FLUSH_ALL)) {
      return parseFlushAll(line, count);
    }
    if (Ascii.equals(line, nameStart, nameEnd, QUIT)) {
      return new MemcacheRequest.Quit();
    }
    lineNoreply = false;
    return rejectWith(ErrorReply.error(), "unknown command or wrong number of tokens: "
        + Ascii.excerpt(line, from, to));
  }

  private ParsedRequest parseGet(byte[] line, int count, boolean withCas) {
    int keys = count - 1;
    if (keys == 0) {
      return rejectWith(ErrorReply.error(), (withCas ? "gets" : "get") + " without a key");
    }
    if (keys > limits.maxKeysPerGet()) {
      return rejectWith(ErrorReply.clientError("too many keys"), (withCas ? "gets" : "get")
          + " of " + keys + " keys exceeds maximum " + limits.maxKeysPerGet());
    }
    List<String> names = new ArrayList<>(keys);
    for (int t = 1; t < count; t++) {
      String key = key(line, t);
      if (key == null) {
        return badKey(line, t);
      }
      names.add(key);
    }
    return new MemcacheRequest.Get(names, withCas);
  }

  private ParsedRequest parseStorage(
      StorageCommand command, byte[] line, int from, int to, int count) {
    boolean cas = command == StorageCommand.CAS;
    int required = cas ? 6 : 5;
    // The data length must be known to find the next command: without it the connection closes.
    if (count < required) {
      return new RejectedRequest(ErrorReply.error(), lineNoreply, true,
          command.wireName() + " with " + count + " tokens, at least " + required + " expected: "
              + Ascii.excerpt(line, from, to));
    }
    long length = Ascii.parseDecimal(line, tokens[8], tokens[9], Integer.MAX_VALUE - 2);
    if (length < 0) {
      return new RejectedRequest(ErrorReply.clientError(BAD_FORMAT), lineNoreply, true,
          "unreadable data length in " + command.wireName() + ": "
              + Ascii.excerpt(line, tokens[8], tokens[9]));
    }
    if (length > limits.maxValueLength()) {
      return swallowing(length, ErrorReply.serverError("object too large for cache"),
          "value length " + length + " exceeds maximum " + limits.maxValueLength());
    }
    // Like memcached, words after the required ones are ignored; noreply counts only as the last.
    boolean noreply = count > required && lineNoreply;
    String key = key(line, 1);
    if (key == null) {
      return swallowing(length, ErrorReply.clientError(BAD_FORMAT), keyProblem(line, 1));
    }
    long flags = Ascii.parseDecimal(line, tokens[4], tokens[5], 0xFFFF_FFFFL);
    Integer exptime = Ascii.parseInt32(line, tokens[6], tokens[7]);
    Long casUnique = cas ? Ascii.parseUnsigned64(line, tokens[10], tokens[11]) : Long.valueOf(0);
    if (flags < 0 || exptime == null || casUnique == null) {
      return swallowing(length, ErrorReply.clientError(BAD_FORMAT),
          "bad " + (flags < 0 ? "flags" : exptime == null ? "exptime" : "cas unique") + " in "
              + command.wireName() + ": " + Ascii.excerpt(line, from, to));
    }
    storeCommand = command;
    storeKey = key;
    storeFlags = (int) flags;
    storeExptime = exptime;
    storeCas = casUnique;
    storeNoreply = noreply;
    storeData = new byte[(int) length];
    storeFilled = 0;
    state = length == 0 ? State.DATA_CR : State.DATA;
    return null;
  }

  private ParsedRequest parseDelete(byte[] line, int count) {
    if (count < 2) {
      return rejectWith(ErrorReply.error(), "delete without a key");
    }
    // memcached still accepts the old "delete <key> 0" form, but no other hold time.
    boolean noreply = count >= 3 && isToken(line, count - 1, NOREPLY);
    int rest = count - 2 - (noreply ? 1 : 0);
    if (rest > 1 || (rest == 1 && !isToken(line, 2, ZERO))) {
      return rejectWith(ErrorReply.clientError(DELETE_USAGE), "delete with extra tokens");
    }
    String key = key(line, 1);
    if (key == null) {
      return badKey(line, 1);
    }
    return new MemcacheRequest.Delete(key, noreply);
  }

  private ParsedRequest parseCounter(CounterCommand command, byte[] line, int count) {
    boolean noreply = count == 4 && isToken(line, 3, NOREPLY);
    if (count != 3 && !noreply) {
      return rejectWith(ErrorReply.error(), command.wireName() + " with " + count + " tokens");
    }
    String key = key(line, 1);
    if (key == null) {
      return badKey(line, 1);
    }
    Long delta = Ascii.parseUnsigned64(line, tokens[4], tokens[5]);
    if (delta == null) {
      return rejectWith(ErrorReply.clientError("invalid numeric delta argument"),
          "bad delta " + Ascii.excerpt(line, tokens[4], tokens[5]));
    }
    return new MemcacheRequest.Counter(command, key, delta, noreply);
  }

  private ParsedRequest parseTouch(byte[] line, int count) {
    boolean noreply = count == 4 && isToken(line, 3, NOREPLY);
    if (count != 3 && !noreply) {
      return rejectWith(ErrorReply.error(), "touch with " + count + " tokens");
    }
    String key = key(line, 1);
    if (key == null) {
      return badKey(line, 1);
    }
    Integer exptime = Ascii.parseInt32(line, tokens[4], tokens[5]);
    if (exptime == null) {
      return rejectWith(ErrorReply.clientError("invalid exptime argument"),
          "bad exptime " + Ascii.excerpt(line, tokens[4], tokens[5]));
    }
    return new MemcacheRequest.Touch(key, exptime, noreply);
  }

  private ParsedRequest parseStats(byte[] line, int count) {
    List<String> arguments = new ArrayList<>(count - 1);
    for (int t = 1; t < count; t++) {
      String argument = key(line, t); // a word: no control character, valid UTF-8
      if (argument == null) {
        return rejectWith(ErrorReply.clientError(BAD_FORMAT), "bad stats argument "
            + Ascii.excerpt(line, tokens[2 * t], tokens[2 * t + 1]));
      }
      arguments.add(argument);
    }
    return new MemcacheRequest.Stats(arguments);
  }

  private ParsedRequest parseFlushAll(byte[] line, int count) {
    boolean noreply = count >= 2 && isToken(line, count - 1, NOREPLY);
    int rest = count - 1 - (noreply ? 1 : 0);
    if (rest > 1) {
      return rejectWith(ErrorReply.error(), "flush_all with " + count + " tokens");
    }
    int delay = 0;
    if (rest == 1) {
      Integer parsed = Ascii.parseInt32(line, tokens[2], tokens[3]);
      if (parsed == null) {
        return rejectWith(ErrorReply.clientError("invalid exptime argument"),
            "bad flush_all delay " + Ascii.excerpt(line, tokens[2], tokens[3]));
      }
      delay = Math.max(0, parsed); // memcached takes a negative delay as now
    }
    return new MemcacheRequest.FlushAll(delay, noreply);
  }

  private RejectedRequest rejectWith(ErrorReply reply, String reason) {
    return new RejectedRequest(reply, lineNoreply, false, reason);
  }

  private RejectedRequest swallowing(long length, ErrorReply reply, String reason) {
    swallowRemaining = length + 2; // the data block and its CRLF
    state = State.SWALLOW;
    return new RejectedRequest(reply, lineNoreply, false, reason + "; skipping its " + length
        + "-byte data block");
  }

  private RejectedRequest badKey(byte[] line, int token) {
    return rejectWith(ErrorReply.clientError(BAD_FORMAT), keyProblem(line, token));
  }

  private String keyProblem(byte[] line, int token) {
    int start = tokens[2 * token];
    int end = tokens[2 * token + 1];
    String problem = MemcacheKey.problem(line, start, end);
    return problem != null ? problem : "key is not valid UTF-8: " + Ascii.excerpt(line, start, end);
  }

  /** The key in token {@code token}, or null when it is not a valid key. */
  private String key(byte[] line, int token) {
    int start = tokens[2 * token];
    int end = tokens[2 * token + 1];
    return MemcacheKey.problem(line, start, end) == null
        ? MemcacheKey.decode(line, start, end)
        : null;
  }

  private boolean isToken(byte[] line, int token, byte[] literal) {
    return Ascii.equals(line, tokens[2 * token], tokens[2 * token + 1], literal);
  }

  /** Splits at runs of spaces, as memcached does; records start/end pairs in {@link #tokens}. */
  private int tokenize(byte[] line, int from, int to) {
    int count = 0;
    int i = from;
    while (i < to) {
      while (i < to && line[i] == Ascii.SPACE) {
        i++;
      }
      if (i == to) {
        break;
      }
      int start = i;
      while (i < to && line[i] != Ascii.SPACE) {
        i++;
      }
      if (2 * count + 2 > tokens.length) {
        tokens = Arrays.copyOf(tokens, tokens.length * 2);
      }
      tokens[2 * count] = start;
      tokens[2 * count + 1] = i;
      count++;
    }
    return count;
  }

  private int readData(byte[] data, int from) {
    int take = Math.min(storeData.length - storeFilled, data.length - from);
    System.arraycopy(data, from, storeData, storeFilled, take);
    storeFilled += take;
    if (storeFilled == storeData.length) {
      state = State.DATA_CR;
    }
    return from + take;
  }

  private int readDataEnd(
      byte[] data, int from, byte wanted, State next, Consumer<? super ParsedRequest> consumer) {
    if (data[from] != wanted) {
      emit(consumer, new RejectedRequest(ErrorReply.clientError("bad data chunk"), storeNoreply,
          true,
          String.format("data block of %s %s is not followed by CRLF: byte 0x%02x where 0x%02x"
                  + " was expected after the announced %d bytes",
              storeCommand.wireName(), Ascii.excerpt(storeKey), data[from] & 0xFF, wanted,
              storeData.length)));
      return from + 1;
    }
    state = next;
    if (next == State.LINE) {
      MemcacheRequest.Store store = new MemcacheRequest.Store(
          storeCommand, storeKey, storeFlags, storeExptime, storeData, storeCas, storeNoreply);
      storeData = null;
      storeKey = null;
      emit(consumer, store);
    }
    return from + 1;
  }

  private int swallow(byte[] data, int from) {
    int take = (int) Math.min(swallowRemaining, data.length - from);
    swallowRemaining -= take;
    if (swallowRemaining == 0) {
      state = State.LINE;
    }
    return from + take;
  }

  @Override
  public String toString() {
    return "MemcacheRequestParser[" + state
        + (state == State.DATA ? ", " + storeFilled + "/" + storeData.length + " bytes of "
            + storeCommand.wireName() + " " + storeKey : "")
        + "]";
  }
}
