/**
 * The inline adapter: {@link org.braid.inline.Inline#run} and {@link org.braid.inline.Inline#await},
 * sequential code over Deferreds with the one-logical-thread guarantee.
 *
 * <p>Threads: see {@link org.braid.inline.Inline}. Nullness: parameters are non-null; a body may
 * return {@code null}.
 */
package org.braid.inline;
