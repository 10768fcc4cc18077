#!/usr/bin/env bash
# Braid's load harness: every server in servers.conf against the same workloads, each server
# and the load generator in their own process (pinned to cores 0 and 1 where allowed).
#
#   bench/load/run.sh            full run, about 10 minutes; writes bench/RESULTS.md and
#                                bench/results-throughput.png
#   bench/load/run.sh --quick    a few seconds per case (CI smoke); writes the same report
#                                under bench/load/out/ so the committed results stay put
#
# Options: --servers a,b   only these registry entries
#          --no-install    do not apt-get install missing Debian packages
#          --report-dir D  where RESULTS.md and the PNG go
#          --rounds N      rounds of throughput cases (default: 5 full, 1 quick)
#          --no-memory     skip the idle-memory cases (throughput only)
#
# Installs what it needs (Debian packages, when missing and run as root), builds the C
# programs and the Java servers, runs everything with bounded time and counts against
# 127.0.0.1 only, and stops every process it started, also on failure or Ctrl-C.
set -euo pipefail

LOAD="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$LOAD/../.." && pwd)"
OUT="$LOAD/out"
REGISTRY="$LOAD/servers.conf"
PY=/usr/bin/python3

MODE=full
FILTER=""
INSTALL=1
REPORT_DIR=""
ROUNDS_ARG=""
MEMORY=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) MODE=quick ;;
    --servers) FILTER="$2"; shift ;;
    --no-install) INSTALL=0 ;;
    --report-dir) REPORT_DIR="$2"; shift ;;
    --rounds) ROUNDS_ARG="$2"; shift ;;
    --no-memory) MEMORY=0 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

# --- durations and counts ---------------------------------------------------------------
# full: 5 rounds of (4 line cases x 7 line servers + 4 memcache cases x 2 memcache servers)
# at 1 s warm-up + 3 s measured each (~15 minutes), then 2 idle-memory cases per server
# (~8 minutes), plus builds.
# The report keeps, per server and case, the round with the most requests/s (outside load
# only ever slows a run down) and shows the spread over the rounds.
if [ "$MODE" = quick ]; then
  ROUNDS=1; SERVER_WARMUP=2; CASE_WARMUP=1; DURATION=2; HOLD=60
  [ -n "$REPORT_DIR" ] || REPORT_DIR="$OUT/quick"
else
  ROUNDS=5; SERVER_WARMUP=5; CASE_WARMUP=1; DURATION=3; HOLD=120
  [ -n "$REPORT_DIR" ] || REPORT_DIR="$ROOT/bench"
fi
[ -z "$ROUNDS_ARG" ] || ROUNDS="$ROUNDS_ARG"
MAX_REQUESTS=50000000      # per case; far above what a 3 s window can reach here, a bound all the same
CONNECT_TIMEOUT=30         # seconds for all connections of one case to be up
IDLE_SMALL=10000           # idle connections for the per-connection memory figure
FD_MARGIN=64               # descriptors left free below the tighter of the two processes' caps
JVM_OPTS="-Xmx1g -XX:+UseG1GC"

mkdir -p "$OUT/logs" "$REPORT_DIR"
RESULTS="$OUT/results-$MODE.jsonl"
: > "$RESULTS"
LOG="$OUT/logs/run-$MODE.log"
: > "$LOG"

say() { printf '[load %s] %s\n' "$(date +%H:%M:%S)" "$*" | tee -a "$LOG" >&2; }
die() { say "ERROR: $*"; exit 1; }

# --- processes we own; stopped on any exit -----------------------------------------------
SERVER_PID=""
LOADGEN_PID=""
declare -a PIDS=() PORTS=()
stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$LOADGEN_PID"
  local pid
  for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Debian packages ----------------------------------------------------------------------
install_packages() {
  local missing=() pkg
  for pkg in python3-twisted memcached gnuplot-nox make gcc; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$INSTALL" = 0 ]; then die "missing Debian packages: ${missing[*]} (run without --no-install)"; fi
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]}; install them as root: apt-get install -y ${missing[*]}"
  say "installing ${missing[*]}"
  apt-get update -q >>"$LOG" 2>&1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$LOG" 2>&1 \
    || die "apt-get install ${missing[*]} failed (see $LOG)"
  # The Debian package starts nothing here, but a system with init would start a memcached
  # on 11211; it is not ours and the harness never talks to it (every run uses its own port).
}

# --- a 21+ JDK, found as the root pom's toolchain does: JAVA_HOME if 21+, else newest ------
java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1; }
find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ]; then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/jcmd" ] || continue
    [ -L "$d" ] && continue
    v="$(java_major "$d")"
    [ -n "$v" ] && [ "$v" -gt "$best_v" ] && { best="$d"; best_v="$v"; }
  done
  [ "$best_v" -ge 21 ] || die "no JDK 21+ found (JAVA_HOME or /usr/lib/jvm/*)"
  echo "$best"
}

# --- pinning and priority ------------------------------------------------------------------
PIN_SERVER=""; PIN_LOADGEN=""; PINNING="none"
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ] && taskset -c 0 true 2>/dev/null && taskset -c 1 true 2>/dev/null; then
  PIN_SERVER="taskset -c 0"; PIN_LOADGEN="taskset -c 1"; PINNING="server on core 0, load generator on core 1 (taskset)"
else
  PINNING="not pinned (taskset unavailable or fewer than 2 usable cores)"
fi
# The machine is shared with builds; a higher priority (when we may set it) keeps them from
# preempting the measured processes as often. Not a substitute for a quiet machine.
NICE=""; PRIORITY="default (nice 0)"
if [ "$(nice -n -10 nice 2>/dev/null)" = "-10" ]; then NICE="nice -n -10"; PRIORITY="nice -10 for server and load generator"; fi

# --- registry -----------------------------------------------------------------------------
trim() { local s="$1"; s="${s#"${s%%[![:space:]]*}"}"; s="${s%"${s##*[![:space:]]}"}"; printf '%s' "$s"; }
expand() {
  local s="$1"
  s="${s//\{port\}/${PORT:-}}"
  s="${s//\{java\}/$JDK/bin/java}"
  s="${s//\{java_home\}/$JDK}"
  s="${s//\{jvm_opts\}/$JVM_OPTS}"
  s="${s//\{root\}/$ROOT}"
  s="${s//\{load\}/$LOAD}"
  s="${s//\{out\}/$OUT}"
  s="${s//\{servers_jar\}/$LOAD/servers/target/braid-load-servers.jar}"
  printf '%s' "$s"
}
NAMES=(); KINDS=(); WORKLOADS=(); BUILDS=(); STARTS=(); MAX_LINES=()
load_registry() {
  local line name kind workload build start options max_line opt
  while IFS= read -r line || [ -n "$line" ]; do
    line="$(trim "$line")"
    [ -z "$line" ] || [ "${line:0:1}" = "#" ] && continue
    IFS='|' read -r name kind workload build start options <<<"$line"
    name="$(trim "$name")"; kind="$(trim "$kind")"; workload="$(trim "$workload")"
    build="$(trim "$build")"; start="$(trim "$start")"; options="$(trim "${options:-}")"
    max_line=""
    for opt in $options; do
      case "$opt" in
        max-line=[0-9]*) max_line="${opt#max-line=}" ;;
        *) die "servers.conf: $name: unknown option '$opt' (known: max-line=N)" ;;
      esac
    done
    [[ "$name" =~ ^[a-z0-9-]+$ ]] || die "servers.conf: bad name '$name'"
    [[ "$kind" =~ ^(jvm|native)$ ]] || die "servers.conf: $name: kind must be jvm or native, got '$kind'"
    [[ "$workload" =~ ^(line|memcache)$ ]] || die "servers.conf: $name: workload must be line or memcache, got '$workload'"
    [ -n "$start" ] || die "servers.conf: $name: no start command"
    if [ -n "$FILTER" ] && [[ ",$FILTER," != *",$name,"* ]]; then continue; fi
    NAMES+=("$name"); KINDS+=("$kind"); WORKLOADS+=("$workload"); BUILDS+=("$build"); STARTS+=("$start")
    MAX_LINES+=("$max_line")
  done <"$REGISTRY"
  [ ${#NAMES[@]} -gt 0 ] || die "no server selected (registry $REGISTRY, filter '$FILTER')"
}

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() { # port pid seconds
  local i
  for i in $(seq $(( $3 * 10 ))); do
    kill -0 "$2" 2>/dev/null || return 1
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

start_server() { # index: starts server i on a fresh port, pinned, and waits until it listens
  local i="$1" cmd
  PORT="$(free_port)"
  cmd="$(expand "${STARTS[$i]}")"
  SERVER_LOG="$OUT/logs/${NAMES[$i]}-$MODE.server.log"
  say "starting ${NAMES[$i]} on 127.0.0.1:$PORT: $cmd"
  # exec chain: subshell -> nice -> taskset -> server, all one pid
  ( eval "exec $NICE $PIN_SERVER $cmd" ) >>"$SERVER_LOG" 2>&1 &
  SERVER_PID=$!
  PIDS[$i]="$SERVER_PID"; PORTS[$i]="$PORT"
  wait_port "$PORT" "$SERVER_PID" 60 || { tail -20 "$SERVER_LOG" >&2; die "${NAMES[$i]} did not listen on $PORT within 60 s"; }
}

use_server() { # index: makes server i the target of the next case
  SERVER_PID="${PIDS[$1]}"; PORT="${PORTS[$1]}"; SERVER_LOG="$OUT/logs/${NAMES[$1]}-$MODE.server.log"
}

stop_server() { # index
  stop_pid "${PIDS[$1]:-}"; PIDS[$1]=""; SERVER_PID=""
}

# --- measurements ---------------------------------------------------------------------------
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
fd_count() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
fd_soft_limit() { awk '/^Max open files/ {print $4}' "/proc/$1/limits"; }
heap_used_kb() { # full GC, then the live heap
  "$JDK/bin/jcmd" "$1" GC.run >/dev/null 2>>"$LOG"
  "$JDK/bin/jcmd" "$1" GC.run >/dev/null 2>>"$LOG"
  "$JDK/bin/jcmd" "$1" GC.heap_info 2>>"$LOG" | sed -n 's/.*used \([0-9]*\)K.*/\1/p' | head -1
}

ROUND=0
record() { printf '{"round":%s,%s\n' "$ROUND" "${1:1}" >>"$RESULTS"; }

run_loadgen() { # output-file args...
  local out="$1"; shift
  # shellcheck disable=SC2086
  timeout --signal=TERM --kill-after=5 "$(( CASE_WARMUP + DURATION + CONNECT_TIMEOUT + 30 ))" \
    $NICE $PIN_LOADGEN "$OUT/loadgen" --port "$PORT" --server-pid "$SERVER_PID" "$@" >"$out" 2>>"$OUT/logs/loadgen-$MODE.log"
}

echo_case() { # index case conns depth [workload]: line -> loadgen echo, memcache -> loadgen memcache
  local i="$1" case="$2" conns="$3" depth="$4" workload="${5:-line}" tmp="$OUT/case.json" json mode=echo
  [ "$workload" = memcache ] && mode=memcache
  say "  ${NAMES[$i]} $case: $conns connections, depth $depth, ${CASE_WARMUP}s warm-up + ${DURATION}s"
  if run_loadgen "$tmp" --mode "$mode" --conns "$conns" --depth "$depth" --warmup "$CASE_WARMUP" \
       --duration "$DURATION" --max-requests "$MAX_REQUESTS" --connect-timeout "$CONNECT_TIMEOUT" \
     && json="$(tail -1 "$tmp")" && [ "${json:0:1}" = "{" ]; then
    record "{\"server\":\"${NAMES[$i]}\",\"kind\":\"${KINDS[$i]}\",\"workload\":\"$workload\",\"case\":\"$case\",\"tool\":\"loadgen\",\"result\":$json}"
    say "    $(printf '%s' "$json" | "$PY" -c 'import json,sys; r=json.load(sys.stdin); print("%.0f req/s, p50 %.0f us, p99 %.0f us, server %.2f us/req, errors %d" % (r["rps"], r["p50_us"], r["p99_us"], r["server_cpu_us_per_req"], r["errors"]))')"
  else
    record "{\"server\":\"${NAMES[$i]}\",\"kind\":\"${KINDS[$i]}\",\"workload\":\"$workload\",\"case\":\"$case\",\"tool\":\"loadgen\",\"failed\":\"load generator exited abnormally; see logs/loadgen-$MODE.log\"}"
    say "    FAILED (see $OUT/logs/loadgen-$MODE.log)"
  fi
}

idle_case() { # index case conns probe
  local i="$1" case="$2" conns="$3" probe="$4" tmp="$OUT/idle.out" heap0=null heap1=null rss0 rss1 fds0 ready json
  say "  ${NAMES[$i]} $case: $conns idle connections"
  fds0="$(fd_count "$SERVER_PID")"
  [ "${KINDS[$i]}" = jvm ] && heap0="$(heap_used_kb "$SERVER_PID")"
  rss0="$(rss_kb "$SERVER_PID")"
  : >"$tmp"
  # shellcheck disable=SC2086
  $NICE $PIN_LOADGEN "$OUT/loadgen" --port "$PORT" --mode idle --conns "$conns" --hold "$HOLD" \
      --connect-timeout "$CONNECT_TIMEOUT" --probe "$probe" >"$tmp" 2>>"$OUT/logs/loadgen-$MODE.log" &
  LOADGEN_PID=$!
  for _ in $(seq $(( (CONNECT_TIMEOUT + 10) * 10 ))); do
    grep -q '^READY' "$tmp" && break
    kill -0 "$LOADGEN_PID" 2>/dev/null || break
    sleep 0.1
  done
  ready="$(grep '^READY' "$tmp" || true)"
  if [ -z "$ready" ]; then
    stop_pid "$LOADGEN_PID"; LOADGEN_PID=""
    record "{\"server\":\"${NAMES[$i]}\",\"kind\":\"${KINDS[$i]}\",\"workload\":\"${WORKLOADS[$i]}\",\"case\":\"$case\",\"tool\":\"loadgen\",\"failed\":\"connections not ready within $CONNECT_TIMEOUT s\"}"
    say "    FAILED: not ready"
    return 0
  fi
  sleep 1
  [ "${KINDS[$i]}" = jvm ] && heap1="$(heap_used_kb "$SERVER_PID")"
  rss1="$(rss_kb "$SERVER_PID")"
  stop_pid "$LOADGEN_PID"; LOADGEN_PID=""
  json="$(grep '^{' "$tmp" | tail -1)"
  [ -n "$json" ] || json='{"held":0,"errors":-1}'
  record "{\"server\":\"${NAMES[$i]}\",\"kind\":\"${KINDS[$i]}\",\"workload\":\"${WORKLOADS[$i]}\",\"case\":\"$case\",\"tool\":\"loadgen\",\"target\":$conns,\"heap_before_kb\":${heap0:-null},\"heap_after_kb\":${heap1:-null},\"rss_before_kb\":$rss0,\"rss_after_kb\":$rss1,\"server_fds_before\":$fds0,\"result\":$json}"
  say "    $ready; RSS ${rss0} -> ${rss1} kB; heap ${heap0} -> ${heap1} kB"
  # let the server close them before the next case
  for _ in $(seq 300); do [ "$(fd_count "$SERVER_PID")" -le $(( fds0 + 8 )) ] && break; sleep 0.1; done
}

max_idle_conns() { # the most connections both processes' descriptor caps allow
  local server_cap server_used own_cap
  server_cap="$(fd_soft_limit "$SERVER_PID")"; [ "$server_cap" = unlimited ] && server_cap=1048576
  server_used="$(fd_count "$SERVER_PID")"
  own_cap="$(ulimit -Hn)"; [ "$own_cap" = unlimited ] && own_cap=1048576
  local a=$(( server_cap - server_used - FD_MARGIN )) b=$(( own_cap - 16 - FD_MARGIN ))
  echo $(( a < b ? a : b ))
}

warm_server() { # index: JIT and pools warm before anything is recorded
  local i="$1"
  use_server "$i"
  local mode=echo
  [ "${WORKLOADS[$i]}" = memcache ] && mode=memcache
  say "  ${NAMES[$i]} warm-up: 100 connections at depth 16 for ${SERVER_WARMUP}s (not recorded)"
  run_loadgen "$OUT/warmup.json" --mode "$mode" --conns 100 --depth 16 --warmup 0 --duration "$SERVER_WARMUP" \
    --max-requests "$MAX_REQUESTS" || say "    warm-up run failed (see logs)"
}

check_alive() { # index
  if [ -n "${PIDS[$1]:-}" ] && ! kill -0 "${PIDS[$1]}" 2>/dev/null; then
    say "  ${NAMES[$1]} died during the run; last log lines:"
    tail -5 "$OUT/logs/${NAMES[$1]}-$MODE.server.log" >&2
    die "${NAMES[$1]} died"
  fi
}

# Throughput: every server of a workload runs at once (each waits idle on core 0 while
# another is measured) and the cases interleave across servers, round after round, so a
# burst of outside load hits all of them alike instead of one server's whole series.
throughput_phase() { # workload
  local workload="$1" i r sel=() names=()
  for i in "${!NAMES[@]}"; do
    if [ "${WORKLOADS[$i]}" = "$workload" ]; then sel+=("$i"); names+=("${NAMES[$i]}"); fi
  done
  [ ${#sel[@]} -gt 0 ] || return 0
  say "$workload throughput: ${names[*]}; $ROUNDS round(s)"
  for i in "${sel[@]}"; do
    start_server "$i"
    if [ "$workload" = line ]; then
      "$PY" "$LOAD/check_line_echo.py" "$PORT" ${MAX_LINES[$i]:+"${MAX_LINES[$i]}"} >>"$LOG" 2>&1 \
        || die "${NAMES[$i]} is not a correct line echo: $(tail -1 "$LOG")"
    fi
  done
  for i in "${sel[@]}"; do warm_server "$i"; done
  for r in $(seq "$ROUNDS"); do
    ROUND="$r"
    say " round $r of $ROUNDS"
    if [ "$workload" = line ]; then
      local spec conns depth
      for spec in c1-d1:1:1 c100-d1:100:1 c1000-d1:1000:1 c100-d16:100:16; do
        IFS=: read -r case conns depth <<<"$spec"
        for i in "${sel[@]}"; do use_server "$i"; echo_case "$i" "$case" "$conns" "$depth"; check_alive "$i"; done
      done
    else
      local spec conns depth
      for spec in c1-d1:1:1 c100-d1:100:1 c1000-d1:1000:1 c100-d16:100:16; do
        IFS=: read -r case conns depth <<<"$spec"
        for i in "${sel[@]}"; do use_server "$i"; echo_case "$i" "$case" "$conns" "$depth" memcache; check_alive "$i"; done
      done
    fi
  done
  ROUND=0
  for i in "${sel[@]}"; do stop_server "$i"; done
}

# Memory: each idle case on a fresh process, so memory freed by earlier cases (kept by
# malloc, by memcached's connection cache, by a JVM heap that has grown) cannot be reused
# and hide the cost. A 200-connection round first loads the code paths (classes, JIT,
# pools), so their one-time cost is not charged to the connections.
memory_phase() { # index
  local i="$1" max probe
  if [ "${WORKLOADS[$i]}" = line ]; then probe=$'ping 0000000000\n'; else probe=$'version\r\n'; fi
  start_server "$i"
  max="$(max_idle_conns)"
  stop_server "$i"
  if [ "$max" -ge "$IDLE_SMALL" ]; then
    fresh_idle_case "$i" idle-small "$IDLE_SMALL" "$probe"
  else
    say "  ${NAMES[$i]}: only $max connections fit; skipping the $IDLE_SMALL-connection case"
  fi
  fresh_idle_case "$i" idle-max "$max" "$probe"
}

fresh_idle_case() { # index case conns probe
  local i="$1" fds0
  start_server "$i"
  fds0="$(fd_count "$SERVER_PID")"
  "$OUT/loadgen" --port "$PORT" --mode idle --conns 200 --hold 0 --connect-timeout "$CONNECT_TIMEOUT" \
      --probe "$4" >/dev/null 2>>"$OUT/logs/loadgen-$MODE.log" || say "    idle warm-up failed (see logs)"
  for _ in $(seq 100); do [ "$(fd_count "$SERVER_PID")" -le $(( fds0 + 8 )) ] && break; sleep 0.1; done
  idle_case "$i" "$2" "$3" "$4"
  check_alive "$i"
  stop_server "$i"
}

# --- main -----------------------------------------------------------------------------------
install_packages
JDK="$(find_jdk)"
load_registry
say "mode $MODE; JDK $JDK; $PINNING; $PRIORITY; servers: ${NAMES[*]}"

say "building the load generator and the C echo server"
make -s -C "$LOAD/native" OUT="$OUT" >>"$LOG" 2>&1 || die "native build failed (see $LOG)"
declare -A BUILT=()
for i in "${!NAMES[@]}"; do
  b="${BUILDS[$i]}"
  [ "$b" = "-" ] || [ -z "$b" ] && continue
  b="$(expand "$b")"
  [ -n "${BUILT[$b]:-}" ] && continue
  say "building for ${NAMES[$i]}: $b"
  (cd "$ROOT" && eval "$b") >>"$LOG" 2>&1 || die "build for ${NAMES[$i]} failed: $b (see $LOG)"
  BUILT[$b]=1
done

throughput_phase line
throughput_phase memcache
if [ "$MEMORY" = 1 ]; then
  say "memory per idle connection"
  for i in "${!NAMES[@]}"; do memory_phase "$i"; done
fi

say "writing $REPORT_DIR/RESULTS.md"
"$PY" "$LOAD/report.py" --results "$RESULTS" --out-md "$REPORT_DIR/RESULTS.md" \
  --out-png "$REPORT_DIR/results-throughput.png" --work "$OUT" --mode "$MODE" \
  --java "$JDK/bin/java" --pinning "$PINNING" --priority "$PRIORITY" \
  --jvm-opts "$JVM_OPTS" --duration "$DURATION" --warmup "$CASE_WARMUP" --rounds "$ROUNDS" --netty-pom "$LOAD/servers/pom.xml" \
  || die "report failed"
say "done: $REPORT_DIR/RESULTS.md, $REPORT_DIR/results-throughput.png"
