package org.braid.tutorial.live;

import org.braid.tutorial.measure.LatencyFacts;
import org.braid.tutorial.measure.SourceFacts;
import org.braid.tutorial.measure.StackFacts;
import org.braid.tutorial.recipes.Style;

/**
 * Everything the walkthrough learned about one style on one hard case.
 *
 * @param style the style
 * @param checks the lines its live scenario printed
 * @param passed whether every check of the scenario passed
 * @param failure the failed check's message, or null
 * @param source its code's size and shape
 * @param latency its latency and throughput on the shared workload
 * @param stack the trace it produced for the shared failure, or null where the operation reports
 *     failures as values (the partial write)
 */
public record StyleFacts(
    Style style,
    java.util.List<String> checks,
    boolean passed,
    String failure,
    SourceFacts source,
    LatencyFacts latency,
    StackFacts stack) {}
