#!/usr/bin/env bash
# Why a server costs what it costs: one registry server under one load case, measured three ways.
#
#   bench/load/profile.sh SERVER CONNS DEPTH [SECONDS]        e.g.  profile.sh braid-callback 100 16
#   bench/load/profile.sh SERVER memcache CONNS [DEPTH [SECONDS]]   loadgen --mode memcache
#
# 1. syscalls per request: `strace -c -f` attached to the server for one load window, its call
#    counts divided by the requests the load generator completed in that window (strace slows
#    the server down a lot, so the req/s of this window mean nothing; the counts per request do);
# 2. for JVM servers, allocation per request: a JFR recording over a second window (no strace),
#    the per-thread allocated bytes (jdk.ThreadAllocationStatistics, taken at the recording's
#    start and end) summed over threads and divided by the requests;
# 3. for JVM servers, where the time and the allocations go: `jfr view hot-methods` and
#    `jfr view allocation-by-site` of that recording.
#
# Uses the builds run.sh made (bench/load/out): run `run.sh --quick --servers SERVER` first if
# they are missing. Server on core 0, load on core 1, as in run.sh. Everything is bounded in
# time and stopped on exit. Output: bench/load/out/profile/SERVER-CASE.txt (and the .jfr).
set -euo pipefail

LOAD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$LOAD/../.." && pwd)"
OUT="$LOAD/out"
PROF="$OUT/profile"
PY=/usr/bin/python3
mkdir -p "$PROF"

[ $# -ge 3 ] || { sed -n '2,19p' "$0"; exit 2; }
NAME="$1"
if [ "$2" = memcache ]; then
  WORK=memcache; CONNS="$3"; DEPTH="${4:-1}"; CASE="memcache-c$CONNS-d$DEPTH"; SECS="${5:-3}"
else
  WORK=line; CONNS="$2"; DEPTH="$3"; CASE="c$CONNS-d$DEPTH"; SECS="${4:-3}"
fi
REPORT="$PROF/$NAME-$CASE.txt"

JDK=""
for home in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
  [ -n "$home" ] && [ -x "$home/bin/java" ] || continue
  v="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  if [ -n "$v" ] && [ "$v" -ge 21 ]; then JDK="$home"; fi
done
[ -n "$JDK" ] || { echo "profile.sh: no JDK 21+ found" >&2; exit 1; }

line="$(grep -E "^$NAME[[:space:]]*\|" "$LOAD/servers.conf" || true)"
[ -n "$line" ] || { echo "profile.sh: no server '$NAME' in servers.conf" >&2; exit 2; }
IFS='|' read -r _ kind _ _ start _ <<<"$line"
kind="$(echo "$kind" | tr -d '[:space:]')"
PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
cmd="$start"
cmd="${cmd//\{port\}/$PORT}"; cmd="${cmd//\{java\}/$JDK/bin/java}"; cmd="${cmd//\{java_home\}/$JDK}"
cmd="${cmd//\{jvm_opts\}/-Xmx1g -XX:+UseG1GC}"; cmd="${cmd//\{root\}/$ROOT}"; cmd="${cmd//\{load\}/$LOAD}"
cmd="${cmd//\{out\}/$OUT}"; cmd="${cmd//\{servers_jar\}/$LOAD/servers/target/braid-load-servers.jar}"

PID=""
STRACE_PID=""
cleanup() {
  [ -n "$STRACE_PID" ] && kill "$STRACE_PID" 2>/dev/null || true
  [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
  [ -n "$PID" ] && { for _ in $(seq 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done; kill -9 "$PID" 2>/dev/null || true; }
}
trap cleanup EXIT

( eval "exec taskset -c 0 $cmd" ) >"$PROF/$NAME-server.log" 2>&1 &
PID=$!
for _ in $(seq 600); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$PID" 2>/dev/null || { cat "$PROF/$NAME-server.log" >&2; exit 1; }
  sleep 0.1
done

# One load window; prints the completed requests (operations).
load() { # seconds
  local mode=echo
  [ "$WORK" = memcache ] && mode=memcache
  timeout 120 taskset -c 1 "$OUT/loadgen" --port "$PORT" --server-pid "$PID" --mode "$mode" --conns "$CONNS" \
    --depth "$DEPTH" --warmup 0.5 --duration "$1" --max-requests 50000000 --connect-timeout 30 2>/dev/null \
    | tail -1 | "$PY" -c 'import json,sys; r=json.load(sys.stdin); assert r["errors"] == 0, r; print(r["requests"])'
}

load 5 >/dev/null   # warm-up: JIT, pools

{
  echo "# $NAME, $CASE, ${SECS}s windows; server: $cmd"
  echo
  echo "## syscalls per request (strace -c -f, one window)"
  strace -c -f -q -o "$PROF/$NAME-$CASE.strace" -p "$PID" &
  STRACE_PID=$!
  sleep 1
  reqs="$(load "$SECS")"
  kill -INT "$STRACE_PID"; wait "$STRACE_PID" 2>/dev/null || true; STRACE_PID=""
  echo "requests in the window: $reqs"
  "$PY" - "$PROF/$NAME-$CASE.strace" "$reqs" <<'EOF'
import re, sys
path, reqs = sys.argv[1], int(sys.argv[2])
rows = []
for line in open(path):
    m = re.match(r"\s*([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(?:(\d+)\s+)?(\w+)\s*$", line)
    if m:
        rows.append((int(m.group(4)), m.group(6)))
total = sum(c for c, n in rows if n != "total")
print("%-16s %12s %10s" % ("syscall", "calls", "per req"))
for calls, name in sorted(rows, reverse=True)[:12]:
    print("%-16s %12d %10.3f" % (name, calls, calls / reqs if reqs else 0))
EOF
  if [ "$kind" = jvm ]; then
    echo
    echo "## allocation per request (JFR, one window without strace)"
    jfr="$PROF/$NAME-$CASE.jfr"
    "$JDK/bin/jcmd" "$PID" JFR.start name=profile settings=profile >/dev/null
    reqs="$(load "$SECS")"
    "$JDK/bin/jcmd" "$PID" JFR.stop name=profile filename="$jfr" >/dev/null
    echo "requests in the window: $reqs"
    "$JDK/bin/jfr" print --json --events jdk.ThreadAllocationStatistics "$jfr" | "$PY" -c '
import json, sys
reqs = int(sys.argv[1])
events = json.load(sys.stdin)["recording"]["events"]
first, last = {}, {}
for e in events:
    v = e["values"]; tid = v["thread"]["javaThreadId"] if v.get("thread") else None
    if tid is None: continue
    name = v["thread"]["javaName"]
    first.setdefault((tid, name), v["allocated"]); last[(tid, name)] = v["allocated"]
deltas = sorted(((last[k] - first[k], k[1]) for k in last), reverse=True)
total = sum(d for d, _ in deltas)
print("allocated in the window: %d bytes = %.1f bytes per request" % (total, total / reqs if reqs else 0))
for d, name in deltas[:5]:
    print("  %-40s %14d bytes  %8.1f per request" % (name, d, d / reqs if reqs else 0))
' "$reqs"
    echo
    echo "## hot methods (JFR execution samples)"
    "$JDK/bin/jfr" view --width 160 hot-methods "$jfr" | head -30
    echo
    echo "## allocation by site (JFR allocation samples)"
    "$JDK/bin/jfr" view --width 160 allocation-by-site "$jfr" | head -25
  fi
} | tee "$REPORT"
echo "profile.sh: wrote $REPORT" >&2
