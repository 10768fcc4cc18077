/**
 * The memcache text protocol: a pipelined client across many servers with libketama-compatible
 * consistent hashing, and an embedded server.
 *
 * <h2>Layers</h2>
 * The byte-level pieces here need no reactor, so the connection protocols are thin layers over
 * them:
 * <ul>
 *   <li>a client connection ({@link org.braid.protocols.memcache.MemcacheClientProtocol}, typed
 *       calls from {@link org.braid.protocols.memcache.MemcacheClient}) writes {@link
 *       org.braid.protocols.memcache.MemcacheRequestEncoder}'s
 *       bytes, announces each request to its {@link
 *       org.braid.protocols.memcache.MemcacheReplyParser} and completes its oldest pending request
 *       with each reply the parser hands over; a {@link
 *       org.braid.protocols.memcache.MemcacheProtocolException} drops the connection;
 *   <li>a client of many servers routes each key with a {@link
 *       org.braid.protocols.memcache.KetamaContinuum};
 *   <li>a server connection ({@link org.braid.protocols.memcache.MemcacheServerProtocol} of a
 *       {@link org.braid.protocols.memcache.MemcacheServer}) feeds {@link
 *       org.braid.protocols.memcache.MemcacheRequestParser},
 *       runs each request on a {@link org.braid.protocols.memcache.MemcacheStore} and writes {@link
 *       org.braid.protocols.memcache.MemcacheReplyEncoder}'s bytes.
 * </ul>
 * protocols/MEMCACHE.md shows the client and the embedded server in use: the timeout policy, the
 * failures, the server's limits and failure modes, and how to run it as a command.
 *
 * <h2>Conventions</h2>
 * Keys are {@code String}s, UTF-8 on the wire ({@link org.braid.protocols.memcache.MemcacheKey}).
 * Numbers that memcached treats as unsigned travel in Java's signed types with the same bits:
 * flags in an {@code int}, cas uniques, counters and deltas in a {@code long}. Values are {@code
 * byte[]}s shared, not copied: treat them as read-only. Parameters and results are non-null.
 *
 * <p>Threads: reactor thread only, unless a type says otherwise (the immutable types, encoders and
 * {@link org.braid.protocols.memcache.KetamaContinuum} may be used from any thread).
 */
package org.braid.protocols.memcache;
