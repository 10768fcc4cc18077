package org.braid.protocols.memcache;

/**
 * What {@link MemcacheRequestParser} read from a client: a well-formed {@link MemcacheRequest}, or
 * a {@link RejectedRequest} to answer with an error line.
 *
 * <p>Immutable; any thread.
 */
public sealed interface ParsedRequest permits MemcacheRequest, RejectedRequest {}
