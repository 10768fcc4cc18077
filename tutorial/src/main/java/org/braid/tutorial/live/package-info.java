/**
 * The walkthrough's live setting: a real {@link org.braid.reactor.SelectorReactor} on its own
 * thread and embedded memcache servers on free 127.0.0.1 ports, in this process.
 *
 * <p>Methods say which thread may call them.
 */
package org.braid.tutorial.live;
