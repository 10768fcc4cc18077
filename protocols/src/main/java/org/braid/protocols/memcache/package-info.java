/**
 * The memcache text protocol: a pipelined client across many servers with libketama-compatible
 * consistent hashing, and an embedded server.
 *
 * <p>Threads: reactor thread only, unless a type says otherwise.
 */
package org.braid.protocols.memcache;
