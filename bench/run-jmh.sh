#!/usr/bin/env bash
# Runs Braid's JMH benchmarks (bench/target/benchmarks.jar) on a Java 21+ runtime.
#
#   bench/run-jmh.sh [--build] [JMH options and benchmark regexps...]
#
# The JDK: $JAVA_HOME when it is 21 or newer, else the newest 21+ JDK under /usr/lib/jvm.
# The machine's default `java` may be older (17 here) and cannot load Braid's classes.
#
# --build first packages the jar with `mvn -q -pl bench -am package -DskipTests`, with Maven
# itself running on that JDK: maven-jar-plugin updates modular jars with the `jar` tool of the
# JDK that runs Maven, which fails on class files newer than itself (MJAR-289), so on a machine
# whose default JDK is 17 a plain `mvn package` cannot package braid-deferred.
#
# Everything else is passed to JMH unchanged, e.g.:
#   bench/run-jmh.sh --build DeferredChain -f 1 -wi 3 -i 5
#   bench/run-jmh.sh DeferredChain -prof gc          # allocation rates, B/op
#   bench/run-jmh.sh -h                              # JMH's own help
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
jar="$here/target/benchmarks.jar"
min_version=21

# Prints the feature version (17, 21, 25...) of the JDK whose home is $1, or nothing.
feature_version() {
  local home="$1" line
  [[ -x "$home/bin/java" ]] || return 0
  line="$("$home/bin/java" -XshowSettings:properties -version 2>&1 | grep -m1 'java.specification.version' || true)"
  line="${line##*= }"
  line="${line#1.}"   # 1.8 -> 8
  [[ "$line" =~ ^[0-9]+$ ]] && echo "$line"
  return 0
}

find_jdk() {
  local best="" best_version=0 home version
  if [[ -n "${JAVA_HOME:-}" ]]; then
    version="$(feature_version "$JAVA_HOME")"
    if [[ -n "$version" && "$version" -ge "$min_version" ]]; then
      echo "$JAVA_HOME"
      return 0
    fi
  fi
  for home in /usr/lib/jvm/*; do
    [[ -d "$home" ]] || continue
    version="$(feature_version "$home")"
    if [[ -n "$version" && "$version" -gt "$best_version" ]]; then
      best="$home"
      best_version="$version"
    fi
  done
  if [[ -z "$best" || "$best_version" -lt "$min_version" ]]; then
    echo "run-jmh.sh: no JDK $min_version+ found: JAVA_HOME='${JAVA_HOME:-}' is older or unset," \
      "and the newest under /usr/lib/jvm is '${best:-none}' (version ${best_version});" \
      "install a JDK $min_version+ or point JAVA_HOME at one" >&2
    return 1
  fi
  echo "$best"
}

jdk="$(find_jdk)"

if [[ "${1:-}" == "--build" ]]; then
  shift
  (cd "$root" && JAVA_HOME="$jdk" mvn -q -pl bench -am package -DskipTests)
fi

if [[ ! -f "$jar" ]]; then
  echo "run-jmh.sh: $jar does not exist; build it with: bench/run-jmh.sh --build [JMH options]" >&2
  exit 1
fi

echo "# run-jmh.sh: $jdk/bin/java -jar $jar $*" >&2
exec "$jdk/bin/java" -jar "$jar" "$@"
