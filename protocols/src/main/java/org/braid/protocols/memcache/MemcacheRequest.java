package org.braid.protocols.memcache;

import java.util.List;
import java.util.Objects;

/**
 * One request of the memcache text protocol. A client builds them with the factory methods ({@code
 * MemcacheRequest.set("user:42", 0, 3600, bytes)}), {@link MemcacheRequestEncoder} writes them, and
 * {@link MemcacheReplyParser#expect} announces their reply; on the server side {@link
 * MemcacheRequestParser} produces them and {@link MemcacheStore#execute} carries them out.
 *
 * <p>Construction checks everything that does not depend on configured limits, so a request that
 * exists is well formed: keys are valid ({@link MemcacheKey}), a get names at least one key, a cas
 * unique goes only with cas. Data arrays are shared, not copied: do not modify them after building
 * a request. Immutable.
 *
 * <p>Expiration times ({@code exptime}) follow memcached: 0 never expires, up to 30 days
 * (2,592,000) is seconds from now, anything larger is an absolute Unix time, and a negative value
 * expires the item at once.
 */
public sealed interface MemcacheRequest extends ParsedRequest {

  /**
   * Whether the server answers this request: false for noreply requests and quit.
   *
   * @return true when a reply will come
   */
  boolean expectsReply();

  /**
   * A short description for messages and logs, never the data.
   *
   * @return e.g. {@code "set user:42 (5 bytes)"} or {@code "get a and 3 more keys"}
   */
  String describe();

  /**
   * get or gets: the values of one or more keys.
   *
   * @param keys the keys, at least one; unmodifiable
   * @param withCas true for gets (values carry their cas unique)
   */
  record Get(List<String> keys, boolean withCas) implements MemcacheRequest {
    /** Checks the keys. */
    public Get {
      keys = List.copyOf(keys);
      if (keys.isEmpty()) {
        throw new IllegalArgumentException((withCas ? "gets" : "get") + " needs at least one key");
      }
      for (String key : keys) {
        MemcacheKey.encode(key);
      }
    }

    @Override
    public boolean expectsReply() {
      return true;
    }

    @Override
    public String describe() {
      String name = withCas ? "gets " : "get ";
      return keys.size() == 1
          ? name + keys.get(0)
          : name + keys.get(0) + " and " + (keys.size() - 1) + " more keys";
    }
  }

  /**
   * A storage command: set, add, replace, append, prepend or cas.
   *
   * @param command which one
   * @param key the key
   * @param flags 32 opaque bits stored with the item (unsigned on the wire)
   * @param exptime when the item expires (see {@link MemcacheRequest})
   * @param data the value; shared, not copied
   * @param casUnique for cas, the unique the item must still have; 0 for the other commands
   * @param noreply true when the server must not answer
   */
  record Store(
      StorageCommand command,
      String key,
      int flags,
      int exptime,
      byte[] data,
      long casUnique,
      boolean noreply)
      implements MemcacheRequest {
    /** Checks the components. */
    public Store {
      Objects.requireNonNull(command, "command");
      MemcacheKey.encode(key);
      Objects.requireNonNull(data, "data");
      if (command != StorageCommand.CAS && casUnique != 0) {
        throw new IllegalArgumentException("cas unique " + Long.toUnsignedString(casUnique)
            + " given to " + command.wireName() + "; only cas takes one");
      }
    }

    /**
     * The same request without a reply.
     *
     * @return a noreply copy
     */
    public Store withNoreply() {
      return new Store(command, key, flags, exptime, data, casUnique, true);
    }

    @Override
    public boolean expectsReply() {
      return !noreply;
    }

    @Override
    public String describe() {
      return command.wireName() + " " + key + " (" + data.length + " bytes)";
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Store that
          && command == that.command
          && key.equals(that.key)
          && flags == that.flags
          && exptime == that.exptime
          && java.util.Arrays.equals(data, that.data)
          && casUnique == that.casUnique
          && noreply == that.noreply;
    }

    @Override
    public int hashCode() {
      return Objects.hash(command, key, flags, exptime, java.util.Arrays.hashCode(data), casUnique,
          noreply);
    }

    /** Shows everything but the data. */
    @Override
    public String toString() {
      return "Store[" + command.wireName() + " key=" + key + ", flags="
          + Integer.toUnsignedString(flags) + ", exptime=" + exptime + ", " + data.length + " bytes"
          + (command == StorageCommand.CAS ? ", cas=" + Long.toUnsignedString(casUnique) : "")
          + (noreply ? ", noreply" : "") + "]";
    }
  }

  /**
   * delete: remove an item.
   *
   * @param key the key
   * @param noreply true when the server must not answer
   */
  record Delete(String key, boolean noreply) implements MemcacheRequest {
    /** Checks the key. */
    public Delete {
      MemcacheKey.encode(key);
    }

    /**
     * The same request without a reply.
     *
     * @return a noreply copy
     */
    public Delete withNoreply() {
      return new Delete(key, true);
    }

    @Override
    public boolean expectsReply() {
      return !noreply;
    }

    @Override
    public String describe() {
      return "delete " + key;
    }
  }

  /**
   * incr or decr.
   *
   * @param command which one
   * @param key the key
   * @param delta the amount, an unsigned 64-bit number
   * @param noreply true when the server must not answer
   */
  record Counter(CounterCommand command, String key, long delta, boolean noreply)
      implements MemcacheRequest {
    /** Checks the components. */
    public Counter {
      Objects.requireNonNull(command, "command");
      MemcacheKey.encode(key);
    }

    /**
     * The same request without a reply.
     *
     * @return a noreply copy
     */
    public Counter withNoreply() {
      return new Counter(command, key, delta, true);
    }

    @Override
    public boolean expectsReply() {
      return !noreply;
    }

    @Override
    public String describe() {
      return command.wireName() + " " + key + " " + Long.toUnsignedString(delta);
    }
  }

  /**
   * touch: give an existing item a new expiration time.
   *
   * @param key the key
   * @param exptime the new expiration time (see {@link MemcacheRequest})
   * @param noreply true when the server must not answer
   */
  record Touch(String key, int exptime, boolean noreply) implements MemcacheRequest {
    /** Checks the key. */
    public Touch {
      MemcacheKey.encode(key);
    }

    /**
     * The same request without a reply.
     *
     * @return a noreply copy
     */
    public Touch withNoreply() {
      return new Touch(key, exptime, true);
    }

    @Override
    public boolean expectsReply() {
      return !noreply;
    }

    @Override
    public String describe() {
      return "touch " + key + " " + exptime;
    }
  }

  /**
   * stats, with optional arguments such as {@code items} or {@code slabs}. Only arguments whose
   * reply is STAT lines and END are understood by {@link MemcacheReplyParser}: {@code stats reset}
   * (RESET) and {@code stats detail} (OK, PREFIX lines) are not supported yet and would fail the
   * connection with a {@link MemcacheProtocolException}.
   *
   * @param arguments the words after "stats"; unmodifiable, possibly empty
   */
  record Stats(List<String> arguments) implements MemcacheRequest {
    /** Checks the arguments: each a non-empty word with no space or control character. */
    public Stats {
      arguments = List.copyOf(arguments);
      for (String argument : arguments) {
        if (!MemcacheKey.isValid(argument)) {
          throw new IllegalArgumentException(
              "stats argument must be a word with no space or control character: "
                  + Ascii.excerpt(argument));
        }
      }
    }

    @Override
    public boolean expectsReply() {
      return true;
    }

    @Override
    public String describe() {
      return arguments.isEmpty() ? "stats" : "stats " + String.join(" ", arguments);
    }
  }

  /** version: the server's version string. */
  record Version() implements MemcacheRequest {
    @Override
    public boolean expectsReply() {
      return true;
    }

    @Override
    public String describe() {
      return "version";
    }
  }

  /**
   * flush_all: invalidate every item, now or after a delay.
   *
   * @param delay 0 for now, else when (an exptime: seconds from now up to 30 days, else absolute
   *     Unix time); not negative
   * @param noreply true when the server must not answer
   */
  record FlushAll(int delay, boolean noreply) implements MemcacheRequest {
    /** Checks the delay. */
    public FlushAll {
      if (delay < 0) {
        throw new IllegalArgumentException("flush_all delay " + delay + " is negative");
      }
    }

    /**
     * The same request without a reply.
     *
     * @return a noreply copy
     */
    public FlushAll withNoreply() {
      return new FlushAll(delay, true);
    }

    @Override
    public boolean expectsReply() {
      return !noreply;
    }

    @Override
    public String describe() {
      return delay == 0 ? "flush_all" : "flush_all " + delay;
    }
  }

  /** quit: the server closes the connection without a reply. */
  record Quit() implements MemcacheRequest {
    @Override
    public boolean expectsReply() {
      return false;
    }

    @Override
    public String describe() {
      return "quit";
    }
  }

  /**
   * get.
   *
   * @param keys one or more keys
   * @return the request
   */
  static Get get(String... keys) {
    return new Get(List.of(keys), false);
  }

  /**
   * gets: get with cas uniques.
   *
   * @param keys one or more keys
   * @return the request
   */
  static Get gets(String... keys) {
    return new Get(List.of(keys), true);
  }

  /**
   * set.
   *
   * @param key the key
   * @param flags opaque bits stored with the item
   * @param exptime when the item expires
   * @param data the value
   * @return the request
   */
  static Store set(String key, int flags, int exptime, byte[] data) {
    return new Store(StorageCommand.SET, key, flags, exptime, data, 0, false);
  }

  /**
   * add: store only if the key does not exist.
   *
   * @param key the key
   * @param flags opaque bits stored with the item
   * @param exptime when the item expires
   * @param data the value
   * @return the request
   */
  static Store add(String key, int flags, int exptime, byte[] data) {
    return new Store(StorageCommand.ADD, key, flags, exptime, data, 0, false);
  }

  /**
   * replace: store only if the key exists.
   *
   * @param key the key
   * @param flags opaque bits stored with the item
   * @param exptime when the item expires
   * @param data the value
   * @return the request
   */
  static Store replace(String key, int flags, int exptime, byte[] data) {
    return new Store(StorageCommand.REPLACE, key, flags, exptime, data, 0, false);
  }

  /**
   * append: add data after an existing item's data.
   *
   * @param key the key
   * @param data the data to append
   * @return the request
   */
  static Store append(String key, byte[] data) {
    return new Store(StorageCommand.APPEND, key, 0, 0, data, 0, false);
  }

  /**
   * prepend: add data before an existing item's data.
   *
   * @param key the key
   * @param data the data to prepend
   * @return the request
   */
  static Store prepend(String key, byte[] data) {
    return new Store(StorageCommand.PREPEND, key, 0, 0, data, 0, false);
  }

  /**
   * cas: store only if the item's cas unique is still {@code casUnique}.
   *
   * @param key the key
   * @param flags opaque bits stored with the item
   * @param exptime when the item expires
   * @param data the value
   * @param casUnique the unique a gets returned
   * @return the request
   */
  static Store cas(String key, int flags, int exptime, byte[] data, long casUnique) {
    return new Store(StorageCommand.CAS, key, flags, exptime, data, casUnique, false);
  }

  /**
   * delete.
   *
   * @param key the key
   * @return the request
   */
  static Delete delete(String key) {
    return new Delete(key, false);
  }

  /**
   * incr.
   *
   * @param key the key
   * @param delta the unsigned amount to add
   * @return the request
   */
  static Counter incr(String key, long delta) {
    return new Counter(CounterCommand.INCR, key, delta, false);
  }

  /**
   * decr.
   *
   * @param key the key
   * @param delta the unsigned amount to subtract
   * @return the request
   */
  static Counter decr(String key, long delta) {
    return new Counter(CounterCommand.DECR, key, delta, false);
  }

  /**
   * touch.
   *
   * @param key the key
   * @param exptime the new expiration time
   * @return the request
   */
  static Touch touch(String key, int exptime) {
    return new Touch(key, exptime, false);
  }

  /**
   * stats.
   *
   * @param arguments optional words such as {@code "items"}
   * @return the request
   */
  static Stats stats(String... arguments) {
    return new Stats(List.of(arguments));
  }

  /**
   * version.
   *
   * @return the request
   */
  static Version version() {
    return new Version();
  }

  /**
   * flush_all, now.
   *
   * @return the request
   */
  static FlushAll flushAll() {
    return new FlushAll(0, false);
  }

  /**
   * flush_all after a delay.
   *
   * @param delay seconds from now (up to 30 days), or an absolute Unix time
   * @return the request
   */
  static FlushAll flushAll(int delay) {
    return new FlushAll(delay, false);
  }

  /**
   * quit.
   *
   * @return the request
   */
  static Quit quit() {
    return new Quit();
  }
}
