/**
 * Runnable servers written with the inline adapter, the twins of the callback-style examples in
 * {@code org.braid.protocols.examples}. Reactor thread only.
 */
package org.braid.inline.examples;
