/**
 * The walkthrough's chapters. Each chapter is a class with a {@code run()} method and tests of its
 * own; prose includes the code from tagged regions of these sources.
 *
 * <p>Chapters run on one thread, as Braid code always does.
 */
package org.braid.tutorial;
