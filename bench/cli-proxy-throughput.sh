#!/usr/bin/env bash
# CLI speed (issue 5), in one run, as ratios against baselines measured in the same run:
#   1. pgbench select-only, 8 clients: `nais postgres proxy` + the real gateway
#      vs directly to the same cluster (target: proxy >= 0.85x direct TPS);
#   2. wall time of `bin/nais postgres psql demo-app -- -c 'select 1'` to exit
#      vs `psql` directly (median of 10 each).
# The world is the local platform (what bin/local-platform up starts: Kafka, issuer, the
# four services, the gateway, team-a/demo-app), started here with a private state
# directory and private copies of the packaged services, and stopped at the end.
#
#   bench/cli-proxy-throughput.sh [seconds=20] [clients=8] [runs=10]
#
# Needs the packaged services and cli/target/nais/bin/nais (build only what is
# missing: ./mvnw -B -q -pl <module> package -DskipTests).
set -euo pipefail

SECONDS_PER_RUN=${1:-20}
CLIENTS=${2:-8}
RUNS=${3:-10}
# shellcheck source=lib/local-platform.sh
source "$(dirname "$0")/lib/local-platform.sh"

platform_start
bench_member 10
start_proxy

tps() { sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1; }
j=$(( CLIENTS < 4 ? CLIENTS : 4 ))
log "warm-up (not measured): 5 s each way"
pgbench -n -S -c "$CLIENTS" -j "$j" -T 5 "$PROXIED" >/dev/null 2>&1
pgbench -n -S -c "$CLIENTS" -j "$j" -T 5 "$DIRECT" >/dev/null 2>&1
log "pgbench -S -c $CLIENTS -T $SECONDS_PER_RUN: direct, then proxy + gateway"
direct_tps=$(pgbench -n -S -c "$CLIENTS" -j "$j" -T "$SECONDS_PER_RUN" "$DIRECT" 2>&1 | tps)
proxy_tps=$(pgbench -n -S -c "$CLIENTS" -j "$j" -T "$SECONDS_PER_RUN" "$PROXIED" 2>&1 | tps)

log "select 1 to exit, $RUNS runs each: nais postgres psql vs psql direct"
now() { date +%s%N; }
median_ms() { sort -n | awk '{a[NR]=$1} END {m = NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.0f", m / 1e6}'; }
: >"$WORK/cli.ns"; : >"$WORK/psql.ns"
for _ in $(seq 1 "$RUNS"); do
  t=$(now); NAIS_TOKEN="$TOKEN" "$ROOT/bin/nais" postgres psql demo-app --team team-a -- -X -q -c 'select 1' >/dev/null
  echo $(( $(now) - t )) >>"$WORK/cli.ns"
  t=$(now); psql -X -q "$DIRECT" -c 'select 1' >/dev/null
  echo $(( $(now) - t )) >>"$WORK/psql.ns"
done
cli_ms=$(median_ms <"$WORK/cli.ns"); psql_ms=$(median_ms <"$WORK/psql.ns")

{
  echo
  echo "direct = the cluster admin over $DIRECT_MODE; proxy = nais postgres proxy (loopback) -> gateway (TLS) -> cluster"
  printf "pgbench select-only, %d clients, %d s: direct %.0f tps, proxy+gateway %.0f tps, ratio %.2f (target >= 0.85)\n" \
    "$CLIENTS" "$SECONDS_PER_RUN" "$direct_tps" "$proxy_tps" "$(echo "$proxy_tps / $direct_tps" | bc -l)"
  printf "select 1 to exit (median of %d): nais postgres psql %d ms, psql direct %d ms, ratio %.1f\n" \
    "$RUNS" "$cli_ms" "$psql_ms" "$(echo "$cli_ms / $psql_ms" | bc -l)"
} | tee "$WORK/results.txt"
log "results in $WORK/results.txt"
