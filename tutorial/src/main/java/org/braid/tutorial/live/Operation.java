package org.braid.tutorial.live;

/**
 * The six hard cases, in chapter order, each with the tag that marks its code in both recipe
 * classes ({@code // tag::<tag>-callback[]}, {@code // tag::<tag>-inline[]}). Any thread.
 */
public enum Operation {
  /** Cache-aside read with the add race, and delete. */
  CACHE_ASIDE("cache-aside", "Cache-aside: get, load, add, lose the race, delete"),
  /** Connection attempts that fail, back-off, giving up. */
  RECONNECT("reconnect", "Reconnect with back-off, then give up"),
  /** A lock held by someone else; release only our own. */
  LOCK("lock", "A lock held by someone else"),
  /** A write to several servers that only partly succeeds. */
  PARTIAL_WRITE("partial-write", "A write that reaches only some servers"),
  /** Timeouts and cancellation that leave nothing behind. */
  TIMEOUT("timeout", "Timeouts and cancellation"),
  /** Many reads with a bound on requests in flight. */
  BATCH("batch", "1,000 reads, at most 8 in flight");

  private final String tag;
  private final String title;

  Operation(String tag, String title) {
    this.tag = tag;
    this.title = title;
  }

  /**
   * The tag prefix of the operation's code regions.
   *
   * @return e.g. {@code "cache-aside"}
   */
  public String tag() {
    return tag;
  }

  /**
   * The chapter title.
   *
   * @return a short title
   */
  public String title() {
    return title;
  }
}
