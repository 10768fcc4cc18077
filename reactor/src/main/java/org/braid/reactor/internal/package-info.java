/**
 * The selector-driven networking behind {@link org.braid.reactor.Reactor}'s listen and connect
 * methods: TCP and Unix-domain ports, connectors and connection transports, and UDP ports. Not
 * exported; the selector reactor calls the factory functions {@link
 * org.braid.reactor.internal.Tcp}, {@link org.braid.reactor.internal.Unix} and {@link
 * org.braid.reactor.internal.Udp}, and drives what they create through {@link
 * org.braid.reactor.internal.SelectorLoop} and {@link org.braid.reactor.internal.Selectable}.
 * See {@code reactor/NETWORKING.md}.
 *
 * <p>Everything here runs on the reactor thread only. Parameters and results are non-null unless
 * documented otherwise.
 */
package org.braid.reactor.internal;
