"""Turns the load harness's raw results (one JSON object per line) into bench/RESULTS.md
and a throughput chart (gnuplot, PNG).

Run by run.sh with the system interpreter; standard library only. Every figure in the
report comes from the results file; ratios
are computed for every server against the reference rows (Netty and the C limit for the
line echo, memcached for memcache), so servers added to servers.conf get them too.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys

LINE_CASES = [
    ("c1-d1", "1 connection, depth 1"),
    ("c100-d1", "100 connections, depth 1"),
    ("c1000-d1", "1,000 connections, depth 1"),
    ("c100-d16", "100 connections, depth 16 (pipelined)"),
]
MEMCACHE_CASES = [
    ("c1-d1", "1 connection, depth 1"),
    ("c100-d1", "100 connections, depth 1"),
    ("c1000-d1", "1,000 connections, depth 1"),
    ("c100-d16", "100 connections, depth 16 (pipelined)"),
]
LINE_REFS = [("netty", "Netty"), ("c-epoll", "C")]
MEMCACHE_REFS = [("memcached", "memcached")]


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (p.stdout + p.stderr).strip()
    except (OSError, subprocess.TimeoutExpired) as e:
        return "unavailable (%s)" % e


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_rows(args):
    java = run([args.java, "-version"]).splitlines()
    twisted = run(["/usr/bin/python3", "-c", "import twisted, sys; print(sys.version.split()[0], twisted.__version__)"])
    memcached = run(["memcached", "-V"])
    gcc = run(["cc", "--version"]).splitlines()
    netty = "unknown"
    try:
        with open(args.netty_pom) as f:
            m = re.search(r"<netty\.version>([^<]+)</netty\.version>", f.read())
            netty = m.group(1) if m else netty
    except OSError:
        pass
    py, _, tw = twisted.partition(" ")
    return [
        ("CPU", "%s, %d cores online" % (cpu_model(), os.cpu_count() or 0)),
        ("Memory", "%.1f GiB" % (os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)),
        ("Kernel", platform.release()),
        ("JDK (JVM servers)", "%s (%s)" % (java[1] if len(java) > 1 else java[0], os.path.dirname(os.path.dirname(args.java)))),
        ("JVM options", "`%s`" % args.jvm_opts),
        ("Netty", "%s, NIO transport, one event loop thread" % netty),
        ("Python / Twisted", "%s / %s (Debian python3-twisted, epoll reactor)" % (py, tw)),
        ("memcached", "%s, `-t 1`" % memcached),
        ("Load generator", "`native/loadgen.c` (C, epoll, one thread): `--mode echo` for the line servers, "
         "`--mode memcache` for the memcache servers"),
        ("C compiler", gcc[0] if gcc else "?"),
        ("Pinning", args.pinning),
        ("Priority", args.priority),
        ("Timing", "each case: %s s warm-up (not recorded) + %s s measured, %s round(s) interleaved "
         "across servers; tables show each server's best round (%s mode)"
         % (args.warmup, args.duration, args.rounds, args.mode)),
    ]


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def servers_in_order(rows, workload):
    seen = []
    for r in rows:
        if r["workload"] == workload and r["server"] not in seen:
            seen.append(r["server"])
    return seen


def find_all(rows, server, case):
    return [r for r in rows if r["server"] == server and r["case"] == case]


def score(r):
    """What "best round" means: the most requests (or operations) per second."""
    if "result" in r:
        return r["result"].get("rps", 0)
    return -1


def find(rows, server, case):
    """The best round of a case (outside load only ever slows a run), or None."""
    found = find_all(rows, server, case)
    ok = [r for r in found if "failed" not in r]
    if ok:
        return max(ok, key=score)
    return found[0] if found else None


def spread(rows, server, case):
    """'min–max' of the rounds' req/s, or '' for a single round."""
    vals = [score(r) for r in find_all(rows, server, case) if "failed" not in r]
    if len(vals) < 2:
        return ""
    return "%s–%s" % (fmt(min(vals)), fmt(max(vals)))


def fmt(v, digits=0):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if digits == 0:
        return "{:,.0f}".format(v)
    return "{:,.{d}f}".format(v, d=digits)


def ratio(a, b):
    if a is None or b is None or b == 0 or a < 0 or b < 0:
        return None
    return a / b


def fmt_ratio(v):
    return "–" if v is None else "%.2f×" % v


def line_tables(rows, lines):
    servers = servers_in_order(rows, "line")
    if not servers:
        return
    lines.append("## Line echo: throughput, server CPU and latency\n")
    lines.append("Every server echoes fixed 16-byte lines (`ping NNNNNNNNNN\\n`), checked byte for byte "
                 "by the load generator. *req/s*: responses completed in the measured window. *CPU µs/req*: "
                 "the server process's utime+stime over the same window (from `/proc/<pid>/stat`) ÷ requests; "
                 "*CPU %*: that time ÷ the window (100 % = one core busy). Latency from the request's "
                 "`send()` to the `recv()` that completed its echo, log-linear histogram (≤0.8 % bucket error). "
                 "Ratio columns: this server ÷ the reference (req/s: higher is better; CPU/req: lower is better). "
                 "The cases ran in rounds interleaved across servers; each row is that server's round with the "
                 "most req/s (its CPU and latency figures come from the same round), and *all rounds* shows the "
                 "lowest and highest req/s seen, i.e. how much outside load moved it.\n")
    for case, title in LINE_CASES:
        lines.append("### %s\n" % title)
        lines.append("| Server | req/s | req/s, all rounds | CPU µs/req | CPU % | p50 µs | p99 µs | p99.9 µs | errors "
                     "| loadgen CPU % | req/s ÷ Netty | req/s ÷ C | CPU/req ÷ Netty | CPU/req ÷ C |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        refs = {}
        for ref, _ in LINE_REFS:
            r = find(rows, ref, case)
            refs[ref] = r["result"] if r and "result" in r else None
        for s in servers:
            r = find(rows, s, case)
            if r is None:
                continue
            if "failed" in r:
                lines.append("| %s | failed: %s |" % (s, r["failed"]) + " |" * 12)
                continue
            x = r["result"]
            cells = [s, fmt(x["rps"]), spread(rows, s, case), fmt(x["server_cpu_us_per_req"], 2),
                     fmt(100 * x["server_cpu_util"], 0), fmt(x["p50_us"], 0), fmt(x["p99_us"], 0),
                     fmt(x["p999_us"], 0), fmt(x["errors"]), fmt(100 * x["loadgen_cpu_util"], 0)]
            for key in ("rps", "server_cpu_us_per_req"):
                for ref, _ in LINE_REFS:
                    rv = refs[ref][key] if refs[ref] else None
                    cells.append(fmt_ratio(ratio(x[key], rv)))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")


def per_round_ratios(rows, a, b, case, key):
    """The ratio a/b of one result field, for every round both servers have: the rounds are
    interleaved, so the two figures of one round saw the same outside load."""
    out = []
    for ra in find_all(rows, a, case):
        if "failed" in ra or "result" not in ra:
            continue
        for rb in find_all(rows, b, case):
            if rb.get("round") == ra.get("round") and "result" in rb and "failed" not in rb:
                v = ratio(ra["result"][key], rb["result"][key])
                if v is not None:
                    out.append(v)
    return sorted(out)


def median(vals):
    if not vals:
        return None
    n = len(vals)
    return vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2


def idle_heap_per_conn(rows, server, case):
    r = find(rows, server, case)
    if not r or "failed" in r or r.get("heap_after_kb") is None:
        return None
    held = r["result"].get("held", 0)
    return (r["heap_after_kb"] - r["heap_before_kb"]) * 1024 / held if held else None


def goals_section(rows, lines):
    """Braid's goals, each as measured in this run: the best-round ratio (as in the tables) and,
    for CPU, the median of the per-round ratios (each round's two figures saw the same load)."""
    have = set(r["server"] for r in rows)
    if "braid-callback" not in have or "netty" not in have:
        return
    lines.append("## Braid against its goals (this run)\n")
    lines.append("*best*: ratio of the rows in the tables below (each server's best round). *median*: "
                 "median over the rounds of the ratio within a round; the rounds are interleaved, so the "
                 "two figures of one round saw the same outside load, which makes it the steadier figure "
                 "for CPU per request. ✅ met, ❌ missed (by the *best* figure).\n")
    lines.append("| Goal | case | best | median | target | |")
    lines.append("|---|---|---:|---:|---:|---|")

    def row(goal, case, best, med, target, ok):
        verdict = None if best is None or ok is None else ok(best)
        mark = "–" if verdict is None else ("✅" if verdict else "❌")
        lines.append("| %s | %s | %s | %s | %s | %s |" % (goal, case, fmt_ratio(best), fmt_ratio(med), target, mark))

    def res(server, case, key):
        r = find(rows, server, case)
        return r["result"][key] if r and "result" in r and "failed" not in r else None

    key = "server_cpu_us_per_req"
    for case, _ in LINE_CASES:
        row("callback echo CPU/req ÷ Netty", case, ratio(res("braid-callback", case, key), res("netty", case, key)),
            median(per_round_ratios(rows, "braid-callback", "netty", case, key)), "≤ 1.00×", lambda v: v <= 1.0)
    for case, _ in LINE_CASES:
        row("callback echo CPU/req ÷ JDK NIO loop", case,
            ratio(res("braid-callback", case, key), res("jdk-nio", case, key)),
            median(per_round_ratios(rows, "braid-callback", "jdk-nio", case, key)), "≤ 1.15×", lambda v: v <= 1.15)
    for case, _ in LINE_CASES:
        target = 3.0 if case.endswith("d16") else 2.0
        row("Twisted CPU/req ÷ callback echo", case, ratio(res("twisted", case, key), res("braid-callback", case, key)),
            median(per_round_ratios(rows, "twisted", "braid-callback", case, key)), "≥ %.0f×" % target,
            lambda v, t=target: v >= t)
    for case, _ in LINE_CASES:
        row("callback echo req/s ÷ Netty", case, ratio(res("braid-callback", case, "rps"), res("netty", case, "rps")),
            median(per_round_ratios(rows, "braid-callback", "netty", case, "rps")), "≥ 1.00×", lambda v: v >= 1.0)
    for case in ("idle-small", "idle-max"):
        row("callback echo heap/idle conn ÷ Netty", case,
            ratio(idle_heap_per_conn(rows, "braid-callback", case), idle_heap_per_conn(rows, "netty", case)),
            None, "≤ 1.00×", lambda v: v <= 1.0)
    for case, _ in LINE_CASES:
        row("inline echo CPU/req ÷ callback echo", case,
            ratio(res("braid-inline", case, key), res("braid-callback", case, key)),
            median(per_round_ratios(rows, "braid-inline", "braid-callback", case, key)), "≤ 1.25×",
            lambda v: v <= 1.25)
    for case, _ in LINE_CASES:
        row("callback echo req/s ÷ raw reactor echo", case,
            ratio(res("braid-callback", case, "rps"), res("braid-raw", case, "rps")),
            median(per_round_ratios(rows, "braid-callback", "braid-raw", case, "rps")), "(beside)", None)
    for case, _ in MEMCACHE_CASES:
        row("embedded memcache ops/s ÷ memcached -t 1", case,
            ratio(res("braid-memcache", case, "rps"), res("memcached", case, "rps")),
            median(per_round_ratios(rows, "braid-memcache", "memcached", case, "rps")), "≥ 0.50×",
            lambda v: v >= 0.5)
    lines.append("")


def memory_tables(rows, workload, lines, heading):
    servers = servers_in_order(rows, workload)
    if not servers or not any(find(rows, s, "idle-max") for s in servers):
        return
    lines.append(heading + "\n")
    lines.append("Each connection is opened, answers one probe (so the server has accepted and served it), "
                 "then stays idle while the server's memory is read. *Heap*: JVM live heap after two full GCs "
                 "(`jcmd <pid> GC.run`, then `GC.heap_info` \"used\"), with the connections minus before them. "
                 "*RSS*: `VmRSS` from `/proc/<pid>/status`, with minus before (for a JVM it includes heap that "
                 "the collector has not returned, so it can be noisy either way). Kernel memory for the sockets "
                 "themselves is in neither figure. *Most that fits*: the tighter of the server's and the load "
                 "generator's open-file limits, minus the descriptors the server already holds and a margin "
                 "of 64.\n")
    for case, title in (("idle-small", "10,000 idle connections"), ("idle-max", "the most idle connections that fit")):
        lines.append("### %s\n" % title)
        lines.append("| Server | connections held | heap bytes / conn | RSS bytes / conn | heap Δ MiB | RSS Δ MiB | errors |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for s in servers:
            r = find(rows, s, case)
            if r is None:
                continue
            if "failed" in r:
                lines.append("| %s | failed: %s | | | | | |" % (s, r["failed"]))
                continue
            held = r["result"].get("held", 0)
            heap_d = (r["heap_after_kb"] - r["heap_before_kb"]) * 1024 if r.get("heap_after_kb") is not None else None
            rss_d = (r["rss_after_kb"] - r["rss_before_kb"]) * 1024
            lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                s, fmt(held),
                fmt(heap_d / held, 0) if heap_d is not None and held else "– (not a JVM)",
                fmt(rss_d / held, 0) if held else "–",
                fmt(heap_d / 2**20, 1) if heap_d is not None else "–",
                fmt(rss_d / 2**20, 1),
                fmt(r["result"].get("errors", 0))))
        lines.append("")


def memcache_tables(rows, lines):
    servers = servers_in_order(rows, "memcache")
    if not servers:
        return
    lines.append("## Memcache: throughput, server CPU and latency\n")
    lines.append("`loadgen --mode memcache`: N connections, each with *depth* requests in flight, 90 % `get` / "
                 "10 % `set` of 32-byte values over 1,000 printable keys per connection; a get only asks for a key "
                 "its connection has set, and every reply is checked (STORED; END or exactly the stored value), so "
                 "*hits* is the share of gets that found their value (below 100 % only when the server evicted). "
                 "Latency, CPU and ratio columns as for the line echo; `braid-memcache` is Braid's embedded "
                 "memcache server (`MemcacheServerMain`), beside memcached with one worker thread.\n")
    for case, title in MEMCACHE_CASES:
        lines.append("### %s\n" % title)
        lines.append("| Server | ops/s | ops/s, all rounds | CPU µs/op | CPU % | p50 µs | p99 µs | p99.9 µs | hits | errors "
                     "| loadgen CPU % | ops/s ÷ memcached | CPU/op ÷ memcached |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        rr = find(rows, MEMCACHE_REFS[0][0], case)
        ref = rr["result"] if rr and "result" in rr and "failed" not in rr else None
        for s in servers:
            r = find(rows, s, case)
            if r is None:
                continue
            if "failed" in r:
                lines.append("| %s | failed: %s |" % (s, r["failed"]) + " |" * 11)
                continue
            x = r["result"]
            gets = x.get("gets", 0)
            cells = [s, fmt(x["rps"]), spread(rows, s, case), fmt(x["server_cpu_us_per_req"], 2),
                     fmt(100 * x["server_cpu_util"], 0), fmt(x["p50_us"], 0), fmt(x["p99_us"], 0),
                     fmt(x["p999_us"], 0), "%.1f %%" % (100.0 * x.get("hits", 0) / gets) if gets else "–",
                     fmt(x["errors"]), fmt(100 * x["loadgen_cpu_util"], 0)]
            for key in ("rps", "server_cpu_us_per_req"):
                cells.append(fmt_ratio(ratio(x[key], ref[key] if ref else None)))
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")

def chart_panel(rows, servers, key, scale, title, ylabel, data, logscale, label_fmt):
    """One gnuplot panel of grouped bars: one group per line case, one bar per server."""
    with open(data, "w") as f:
        f.write("case " + " ".join('"%s"' % s for s in servers) + "\n")
        for case, case_title in LINE_CASES:
            vals = []
            for s in servers:
                r = find(rows, s, case)
                vals.append("%.3f" % (r["result"][key] * scale) if r and "result" in r else "NaN")
            f.write('"%s" %s\n' % (case_title.replace(" (pipelined)", "").replace("connections", "conns")
                                   .replace("connection", "conn"), " ".join(vals)))
    values = [find(rows, s, c)["result"][key] * scale for s in servers for c, _ in LINE_CASES
              if find(rows, s, c) and "result" in find(rows, s, c)]
    values = [v for v in values if v > 0] or [1.0]
    n = len(servers)
    labels = []
    for k in range(n):
        off = (k - (n - 1) / 2.0) / (n + 1.0)
        labels.append("'%s' using ($0%+.4f):%d:(%s) with labels offset 0,0.6 font ',8' notitle"
                      % (data, off, k + 2, label_fmt.replace("C", "column(%d)" % (k + 2))))
    yrange = ("set logscale y\nset yrange [%g:%g]\nset format y '%%.0s%%c'\n"
              % (min(values) / 3, max(values) * 3)) if logscale else \
        ("unset logscale y\nset yrange [0:%g]\nset format y '%%g'\n" % (max(values) * 1.15))
    return """
set title '%s'
set ylabel '%s'
%s
plot for [i=2:%d] '%s' using i:xtic(1) title columnheader(i), %s
""" % (title, ylabel, yrange, n + 1, data, ", ".join(labels))


def chart(rows, png, work):
    """Two panels of grouped bars, drawn by gnuplot: requests/s (log scale) and server CPU
    microseconds per request, for every line case and server."""
    servers = servers_in_order(rows, "line")
    if not servers or not shutil.which("gnuplot"):
        return False
    rps = chart_panel(rows, servers, "rps", 1.0, "Requests per second (higher is better; log scale)",
                      "requests per second", os.path.join(work, "throughput-rps.dat"), True,
                      "C >= 10000 ? sprintf('%.0fk', C/1000.0) : C >= 1000 ? sprintf('%.1fk', C/1000.0) : "
                      "sprintf('%.0f', C)")
    cpu = chart_panel(rows, servers, "server_cpu_us_per_req", 1.0,
                      "Server CPU per request (lower is better; log scale)", "CPU microseconds per request",
                      os.path.join(work, "throughput-cpu.dat"), True,
                      "C >= 10 ? sprintf('%.0f', C) : sprintf('%.2f', C)")
    script = """
set terminal pngcairo size 1500,680 font 'DejaVu Sans,11'
set output '%s'
set multiplot layout 1,2 title 'Line echo, one server thread per server: best round per case' font ',13'
set grid ytics
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key below horizontal maxrows 1 samplen 2 width 1
set key autotitle columnheader
set xtics nomirror font ',10'
set xrange [-0.6:%g]
%s
%s
unset multiplot
""" % (png, len(LINE_CASES) - 0.4, rps, cpu)
    gp = os.path.join(work, "throughput.gp")
    with open(gp, "w") as f:
        f.write(script)
    p = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write("gnuplot failed: %s\n" % p.stderr)
        return False
    return True


def starvation_note(rows):
    """A sentence on how much CPU the line servers actually got in their best rounds, or ''."""
    utils = []
    for s in servers_in_order(rows, "line"):
        # one connection at depth 1 leaves the server idle between requests by design: not counted
        for case, _ in LINE_CASES[1:]:
            r = find(rows, s, case)
            if r and "result" in r and r["result"].get("server_cpu_util", -1) >= 0:
                utils.append(100 * r["result"]["server_cpu_util"])
    if not utils:
        return ""
    utils.sort()
    median = utils[len(utils) // 2]
    text = ("In this run the servers were busy %.0f–%.0f %% of their core during the measured windows of the "
            "100- and 1,000-connection cases (median %.0f %%; see the *CPU %%* columns)." % (utils[0], utils[-1], median))
    if median < 60:
        text += (" A server that saturates its core would show close to 100 %: here they were often waiting "
                 "for the CPU, so **req/s reflects how much CPU the scheduler gave each server as much as the "
                 "server itself, and CPU µs per request is the figure to compare** (it is what the server spent "
                 "per request, however long it waited).")
    return text + "\n"


def main():
    ap = argparse.ArgumentParser()
    for name in ("results", "out-md", "out-png", "work", "mode", "java", "pinning",
                 "priority", "jvm-opts", "duration", "warmup", "rounds", "netty-pom"):
        ap.add_argument("--" + name, required=True)
    args = ap.parse_args()
    rows = load(args.results)
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# Braid load results\n",
             "Written by `bench/load/run.sh`%s on %s; how it measures and how to add a server: "
             "[bench/load/README.md](load/README.md). Micro-benchmarks (JMH) are reported separately.\n"
             % (" --quick" if args.mode == "quick" else "", now),
             "**Noise.** This machine has 2 cores and is shared with other builds and test runs while "
             "the harness runs, so absolute figures move between runs (10–30 % is common, the tails more); "
             "the ratios within one run are the useful part. Each server runs alone, on its own core when "
             "pinning is available; the load generator (C, epoll, one thread) has the other core.\n",
             "Braid's servers: `braid-raw` echoes bytes straight from `Protocol.dataReceived` (the reactor's "
             "floor, no framing), `braid-callback` is the `LineReceiver` line echo, `braid-inline` the same "
             "echo as one inline body per connection (`await(conn.readLine())`, carrier scheduling mode), "
             "`braid-memcache` the embedded memcache server; each is one line in `bench/load/servers.conf`.\n",
             "## Machine and versions\n", "| | |", "|---|---|"]
    for k, v in machine_rows(args):
        lines.append("| %s | %s |" % (k, v.replace("|", "/")))
    lines.append("")
    note = starvation_note(rows)
    if note:
        lines.append(note)
    png_ok = chart(rows, args.out_png, args.work)
    if png_ok:
        lines.append("![Line echo: requests per second and server CPU per request](%s)\n"
                     % os.path.basename(args.out_png))
    goals_section(rows, lines)
    line_tables(rows, lines)
    memory_tables(rows, "line", lines, "## Line echo: memory per idle connection")
    memcache_tables(rows, lines)
    memory_tables(rows, "memcache", lines, "## Memcache: memory per idle connection")
    with open(args.out_md, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
