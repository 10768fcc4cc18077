package org.braid.tutorial.recipes;

import java.time.Duration;
import org.braid.reactor.ReactorTime;

/** The two ways the tutorial writes each recipe. Any thread. */
public enum Style {
  /** Callbacks chained on Deferreds: {@link CallbackRecipes}. */
  CALLBACK,
  /** Straight-line code that awaits Deferreds: {@link InlineRecipes}. */
  INLINE;

  /**
   * Creates this style's recipes.
   *
   * @param clock the reactor or a manual clock
   * @param requestTimeout the request timeout of the connections the recipes open
   * @return the recipes
   */
  public CacheRecipes recipes(ReactorTime clock, Duration requestTimeout) {
    return switch (this) {
      case CALLBACK -> new CallbackRecipes(clock, requestTimeout);
      case INLINE -> new InlineRecipes(clock, requestTimeout);
    };
  }

  /**
   * The style's name in lower case, as {@link CacheRecipes#style()} says it.
   *
   * @return {@code "callback"} or {@code "inline"}
   */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
