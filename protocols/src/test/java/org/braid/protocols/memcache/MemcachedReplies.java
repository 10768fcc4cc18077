package org.braid.protocols.memcache;

/**
 * Reply bytes exactly as memcached 1.6.18 sends them, for the client tests that script a server
 * over an in-memory transport. {@link ReplyTranscriptTest} checks, against a real memcached and
 * against Braid's embedded server, that each request named here gets these very bytes; so the
 * scripted tests feed the client what a real server would.
 */
final class MemcachedReplies {
  /** To incr or decr of a value that is not a decimal number. */
  static final String NON_NUMERIC =
      "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n";
  /** To a storage command whose value exceeds the item size limit (after its data). */
  static final String TOO_LARGE = "SERVER_ERROR object too large for cache\r\n";
  /** To an unknown command, or stats with an argument the server does not have. */
  static final String ERROR = "ERROR\r\n";
  /** To a key longer than 250 bytes. */
  static final String BAD_FORMAT = "CLIENT_ERROR bad command line format\r\n";
  /** To incr or decr with a delta that is not an unsigned 64-bit number. */
  static final String BAD_DELTA = "CLIENT_ERROR invalid numeric delta argument\r\n";
  /** To touch with an exptime that is not a number. */
  static final String BAD_EXPTIME = "CLIENT_ERROR invalid exptime argument\r\n";
  /** To delete with a hold time other than 0. */
  static final String DELETE_USAGE =
      "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n";

  private MemcachedReplies() {}
}
