package org.braid.protocols.memcache;

/**
 * What a memcache server answered to one request: a typed value for each kind of request, or an
 * {@link ErrorReply}. Switch over it with pattern matching; every implementation is immutable.
 *
 * <table>
 *   <caption>Replies by request</caption>
 *   <tr><th>request</th><th>reply</th></tr>
 *   <tr><td>get, gets</td><td>{@link GetResult}</td></tr>
 *   <tr><td>set, add, replace, append, prepend, cas</td><td>{@link StoreResult}</td></tr>
 *   <tr><td>delete</td><td>{@link DeleteResult}</td></tr>
 *   <tr><td>incr, decr</td><td>{@link CounterResult}</td></tr>
 *   <tr><td>touch</td><td>{@link TouchResult}</td></tr>
 *   <tr><td>stats</td><td>{@link StatsResult}</td></tr>
 *   <tr><td>version</td><td>{@link VersionResult}</td></tr>
 *   <tr><td>flush_all</td><td>{@link OkReply}</td></tr>
 *   <tr><td>any</td><td>{@link ErrorReply}: ERROR, CLIENT_ERROR, SERVER_ERROR</td></tr>
 * </table>
 *
 * <p>Immutable; any thread.
 */
public sealed interface MemcacheReply
    permits GetResult,
        StoreResult,
        DeleteResult,
        CounterResult,
        TouchResult,
        StatsResult,
        VersionResult,
        OkReply,
        ErrorReply {}
