package org.braid.tutorial.live;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.braid.tutorial.measure.LatencyFacts;
import org.braid.tutorial.measure.StackFacts;

/**
 * Writes the side-by-side page: per hard case, callback code on the left and inline code on the
 * right (the same tagged regions the prose includes), and under each the facts measured in the
 * same run. A small script marks each pair with whether both columns rendered side by side, which
 * the browser test reads. Any thread.
 */
public final class ComparisonPage {
  private ComparisonPage() {}

  /**
   * Writes the page.
   *
   * @param file where
   * @param rows the hard cases, in chapter order
   * @param setting one line saying where and how the figures were measured
   * @throws IOException when the file cannot be written
   */
  public static void write(Path file, List<Comparison> rows, String setting) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, render(rows, setting), StandardCharsets.UTF_8);
  }

  /**
   * The page's HTML.
   *
   * @param rows the hard cases
   * @param setting where and how the figures were measured
   * @return the HTML
   */
  public static String render(List<Comparison> rows, String setting) {
    StringBuilder h = new StringBuilder();
    h.append("""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Braid: callbacks or inline code?</title>
        <style>
        body { font: 15px/1.45 system-ui, sans-serif; margin: 24px; color: #1d1d1f; }
        h1 { margin-bottom: 4px; }
        .setting { color: #555; margin-top: 0; }
        table { border-collapse: collapse; }
        th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        .pass { color: #0a7a2f; font-weight: 600; } .fail { color: #b00020; font-weight: 700; }
        section.op { margin-top: 36px; border-top: 2px solid #333; }
        .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
        .col { min-width: 0; }
        .col h3 { margin: 12px 0 6px; }
        .callback h3 { color: #8a4b00; } .inline h3 { color: #00508a; }
        pre { background: #f6f6f8; border: 1px solid #ddd; padding: 8px; overflow-x: auto;
              font: 12px/1.35 ui-monospace, monospace; margin: 0; }
        pre.trace { max-height: 320px; overflow: auto; background: #fff8f0; }
        .facts { margin-top: 8px; }
        .facts td { text-align: left; }
        ul.did { margin: 6px 0; padding-left: 20px; font-size: 13px; }
        </style>
        </head>
        <body>
        <h1>Callbacks or inline code?</h1>
        """);
    h.append("<p class=\"setting\">").append(esc(setting)).append("</p>\n");
    h.append("<p>Each hard case is written twice with the same signature returning "
        + "<code>Deferred&lt;T&gt;</code>; one shared test holds the two equal. Left: callbacks "
        + "chained on Deferreds. Right: inline code that awaits them. Under each: what the style did "
        + "against the embedded server with the failure mode on, and what was measured in this "
        + "run.</p>\n");
    summary(h, rows);
    int n = 1;
    for (Comparison row : rows) {
      h.append("<section class=\"op\" id=\"op-").append(row.op().tag())
          .append("\" data-op=\"").append(row.op().tag()).append("\">\n");
      h.append("<h2>").append(n++).append(". ").append(esc(row.op().title())).append("</h2>\n");
      h.append("<div class=\"pair\">\n");
      column(h, "callback", "Callback style", row.callback());
      column(h, "inline", "Inline style", row.inline());
      h.append("</div>\n</section>\n");
    }
    h.append("""
        <script>
        // For the browser test: does each pair show both columns, side by side, with code in them?
        for (const s of document.querySelectorAll('section.op')) {
          const a = s.querySelector('.col.callback pre.code');
          const b = s.querySelector('.col.inline pre.code');
          let ok = a && b;
          if (ok) {
            const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
            ok = ra.width > 50 && ra.height > 20 && rb.width > 50 && rb.height > 20
                && ra.right <= rb.left + 1 && a.textContent.trim() && b.textContent.trim();
          }
          s.setAttribute('data-rendered', ok ? 'side-by-side' : 'broken');
        }
        document.body.setAttribute('data-checked', 'yes');
        </script>
        </body>
        </html>
        """);
    return h.toString();
  }

  private static void summary(StringBuilder h, List<Comparison> rows) {
    h.append("<table class=\"summary\">\n<tr><th>hard case</th><th>checks</th>"
        + "<th>lines (cb / in)</th><th>callbacks / awaits</th><th>p50 µs (cb / in)</th>"
        + "<th>p99 µs (cb / in)</th><th>ops/s (cb / in)</th>"
        + "<th>recipe frames in trace (cb / in)</th></tr>\n");
    for (Comparison r : rows) {
      StyleFacts c = r.callback();
      StyleFacts i = r.inline();
      h.append("<tr><td>").append(esc(r.op().tag())).append("</td><td class=\"")
          .append(r.passed() ? "pass\">pass" : "fail\">FAIL").append("</td><td>")
          .append(c.source().lines()).append(" / ").append(i.source().lines()).append("</td><td>")
          .append(c.source().callbacks()).append(" / ").append(i.source().awaits()).append("</td><td>")
          .append(num(c.latency().p50Micros())).append(" / ").append(num(i.latency().p50Micros()))
          .append("</td><td>").append(num(c.latency().p99Micros())).append(" / ")
          .append(num(i.latency().p99Micros())).append("</td><td>")
          .append(num(c.latency().perSecond())).append(" / ").append(num(i.latency().perSecond()))
          .append("</td><td>").append(frames(c.stack())).append(" / ").append(frames(i.stack()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void column(StringBuilder h, String css, String title, StyleFacts f) {
    h.append("<div class=\"col ").append(css).append("\">\n<h3>").append(title).append("</h3>\n");
    h.append("<pre class=\"code\"><code>").append(esc(f.source().code())).append("</code></pre>\n");
    h.append("<ul class=\"did\">");
    for (String line : f.checks()) {
      h.append("<li>").append(esc(line)).append("</li>");
    }
    if (!f.passed()) {
      h.append("<li class=\"fail\">check failed: ").append(esc(f.failure())).append("</li>");
    }
    h.append("</ul>\n<table class=\"facts\">\n");
    row(h, "checks", f.passed() ? "<span class=\"pass\">pass</span>" : "<span class=\"fail\">FAIL</span>");
    row(h, "lines of code", String.valueOf(f.source().lines()));
    row(h, "callbacks added / awaits",
        f.source().callbacks() + " / " + f.source().awaits());
    LatencyFacts l = f.latency();
    row(h, "latency p50 / p99", num(l.p50Micros()) + " µs / " + num(l.p99Micros()) + " µs");
    row(h, "throughput", num(l.perSecond()) + " ops/s (" + l.iterations() + " timed, one at a time)");
    StackFacts s = f.stack();
    row(h, "trace for the same failure", s == null ? "none: failures are values in WriteOutcome"
        : esc(s.frames() + " frames, " + s.applicationFrames() + " in the recipe"));
    h.append("</table>\n");
    if (s != null) {
      h.append("<details><summary>").append(esc(s.exception())).append("</summary>\n<pre class=\"trace\">")
          .append(esc(s.trace())).append("</pre></details>\n");
    }
    h.append("</div>\n");
  }

  private static void row(StringBuilder h, String name, String html) {
    h.append("<tr><td>").append(esc(name)).append("</td><td>").append(html).append("</td></tr>\n");
  }

  private static String frames(StackFacts s) {
    return s == null ? "–" : String.valueOf(s.applicationFrames());
  }

  static String num(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
