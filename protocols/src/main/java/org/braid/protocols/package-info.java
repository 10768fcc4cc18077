/**
 * Protocols users subclass: framing receivers, reconnecting clients, idle timeouts.
 *
 * <p>Threads: reactor thread only, like the {@link org.braid.reactor.Protocol} they extend.
 */
package org.braid.protocols;
