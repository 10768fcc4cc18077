/**
 * What the walkthrough measures about the two styles: requests in flight, latency, the size of
 * each recipe's code and the stack traces each style produces.
 *
 * <p>Reactor thread only, unless a type says otherwise.
 */
package org.braid.tutorial.measure;
