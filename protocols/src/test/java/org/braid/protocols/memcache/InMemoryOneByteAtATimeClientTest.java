package org.braid.protocols.memcache;

/**
 * The client suite against Braid's embedded server wired in memory, every request and every reply
 * delivered one byte at a time (Okio's ONE_BYTE_AT_A_TIME): no chunk boundary may matter.
 */
class InMemoryOneByteAtATimeClientTest extends InMemoryClientTest {
  @Override
  int maxChunkSize() {
    return 1;
  }
}
