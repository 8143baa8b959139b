#!/usr/bin/env bash
# CLI start-up, as a person feels it (JVM start included), against the JVM's
# own start (`java -version`) measured in the same run:
#   1. `nais --help` wall time                        target < 0.5 s
#   2. `nais postgres proxy` until it prints that it listens (ready to accept;
#      --no-check: the login through the gateway is the gateway's cost and is
#      measured by the e2e benchmark against the real gateway)  target < 1 s
# Each figure: median and worst of RUNS runs, with bin/nais (AppCDS archive,
# tuned flags) and with plain `java -jar` (no archive) for comparison.
#
#   ./mvnw -B -q -pl cli -am package -DskipTests && bench/cli-startup.sh [RUNS]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-15}"
jar="$root/cli/target/nais.jar"
nais="$root/bin/nais"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[[ -f $jar ]] || { echo "build first: ./mvnw -B -q -pl cli -am package -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A token-shaped string: the proxy decodes who it is for and never verifies it
# (the gateway does); with --no-check nothing is sent anywhere.
b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
exp=$(( $(date +%s) + 3600 ))
export NAIS_TOKEN="$(printf '{"alg":"none"}' | b64).$(printf '{"email":"bench@example.invalid","exp":%s}' "$exp" | b64).x"
export NAIS_CONFIG_DIR="$work/config" NAIS_GATEWAY_HOST=127.0.0.1 NAIS_GATEWAY_PORT=9 NAIS_TEAM=bench

now() { date +%s%N; }

# Prints the elapsed milliseconds of one run of "$@" (output discarded).
time_command() {
  local start end
  start=$(now); "$@" >/dev/null 2>&1; end=$(now)
  echo $(( (end - start) / 1000000 ))
}

# Prints the milliseconds until the proxy started by "$@" prints its listening line.
time_proxy_ready() {
  local start end pid line
  start=$(now)
  coproc PROXY { exec "$@" postgres proxy app --port 0 --no-check 2>/dev/null; }
  pid=$PROXY_PID
  while IFS= read -r line <&"${PROXY[0]}"; do
    if [[ $line == *"listening on"* ]]; then end=$(now); break; fi
  done
  kill -INT "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

# median and max of the numbers on stdin
summary() { sort -n | awk '{a[NR]=$1} END {printf "%d %d\n", a[int((NR+1)/2)], a[NR]}'; }

measure() {
  local label="$1"; shift
  local i; for (( i = 0; i < runs; i++ )); do "$@"; done | summary > "$work/$label"
}

"$nais" --help >/dev/null   # warm the file cache

measure baseline    time_command "$java" -version
measure help_nais   time_command "$nais" --help
measure help_plain  time_command "$java" -jar "$jar" --help
measure proxy_nais  time_proxy_ready "$nais"
measure proxy_plain time_proxy_ready "$java" -jar "$jar"

read -r base base_max < "$work/baseline"
printf '%-46s %8s %8s %10s\n' "what ($runs runs, ms)" median worst "÷ java -version"
row() {
  local label="$1" file="$2" med max
  read -r med max < "$work/$file"
  printf '%-46s %8d %8d %10s\n' "$label" "$med" "$max" "$(awk -v a="$med" -v b="$base" 'BEGIN {printf "%.1fx", a / b}')"
}
row "java -version (baseline)" baseline
row "bin/nais --help (AppCDS)" help_nais
row "java -jar nais.jar --help (no archive)" help_plain
row "bin/nais postgres proxy → listening (AppCDS)" proxy_nais
row "java -jar nais.jar postgres proxy → listening" proxy_plain
