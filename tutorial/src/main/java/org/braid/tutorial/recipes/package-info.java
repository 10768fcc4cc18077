/**
 * The tutorial's cache recipes, each written twice: {@link org.braid.tutorial.recipes.CallbackRecipes}
 * chains callbacks on Deferreds, {@link org.braid.tutorial.recipes.InlineRecipes} awaits them in
 * straight-line code. Both implement {@link org.braid.tutorial.recipes.CacheRecipes}, so one test
 * holds them equal. The bodies are marked with {@code // tag::<op>-callback[]} and {@code //
 * tag::<op>-inline[]} regions, which the prose and the comparison page include.
 *
 * <p>Reactor thread only (or the test thread that plays it). Values are UTF-8 strings; parameters
 * are non-null.
 */
package org.braid.tutorial.recipes;
