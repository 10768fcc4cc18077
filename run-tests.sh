#!/usr/bin/env bash
# Braid's test command (README): installs the real peers the tests start themselves, when they
# are missing, then runs every module's tests. Exits non-zero when any test fails. CI runs it
# through .ci/run.
set -euo pipefail
cd "$(dirname "$0")"

# Real peers the tests start themselves: memcached and libmemcached's tools (protocols/), and
# Chromium, which checks the tutorial's comparison page (tutorial/).
need=()
command -v memcached >/dev/null 2>&1 || need+=(memcached)
command -v memccp >/dev/null 2>&1 || need+=(libmemcached-tools)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing: ${need[*]} =="
  export DEBIAN_FRONTEND=noninteractive
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== JDKs available to the toolchains plugin =="
ls -d /usr/lib/jvm/*/ 2>/dev/null || true

mvn -B test
