package org.braid.tutorial.live;

import java.util.Objects;

/**
 * One hard case, both styles: a row of the comparison table and a pair on the page.
 *
 * @param op the hard case
 * @param callback what callback style did and measured
 * @param inline what inline style did and measured
 */
public record Comparison(Operation op, StyleFacts callback, StyleFacts inline) {
  /** Checks the fields. */
  public Comparison {
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(callback, "callback");
    Objects.requireNonNull(inline, "inline");
  }

  /**
   * Tells whether both styles passed every check.
   *
   * @return whether both passed
   */
  public boolean passed() {
    return callback.passed() && inline.passed();
  }
}
