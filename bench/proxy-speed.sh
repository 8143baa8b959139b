#!/usr/bin/env bash
# Speed of the local proxy (issue 22), in one run, as ratios against baselines measured in
# the same run, on the local platform's own defaults (what `bin/local-platform up` starts):
#   1. connection set-up (pgbench -C -S, 1 client, libpq's average connection time):
#      `nais postgres proxy` (+ gateway) and the gateway alone vs a direct TLS login to the
#      same cluster; the proxy's own per-step medians (--verbose prints each connection's);
#   2. pgbench select-only at 8 clients: proxy + gateway and the gateway alone vs direct
#      TLS, with the CPU per transaction of every process in the chain (pgbench, proxy,
#      gateway, the cluster's PostgreSQL) from /proc (utime+stime, children included), and
#      the rest of the machine (/proc/stat less the chain: mostly the statement audit on its
#      way to the console: Kafka, console-sync and its database).
# Each point starts on a settled machine (bench/lib/proc-cpu.sh settle), so no point pays
# for the audit its predecessor left behind; after the proxy's point the audit it left is
# timed and its CPU counted, for the audit's whole cost per statement.
#
#   bench/proxy-speed.sh [seconds=20] [clients=8]
#
# Needs the packaged services and cli/target/nais/bin/nais (build only what is
# missing: ./mvnw -B -q -pl <module> package -DskipTests).
set -euo pipefail

SECONDS_PER_RUN=${1:-20}
CLIENTS=${2:-8}
# shellcheck source=lib/local-platform.sh
source "$(dirname "$0")/lib/local-platform.sh"

platform_start
bench_member 10
start_proxy --verbose
GATEWAY="host=$GATEWAY_HOST port=$GATEWAY_PORT dbname=team-a/demo-app user=$MEMBER sslmode=require"
CLUSTER_PORT=$(psql -X -At "$ADMIN" -c 'show port')
POSTMASTER=$(listener_pid "$CLUSTER_PORT")
GATEWAY_PID=$(listener_pid "$GATEWAY_PORT")
[[ -n $POSTMASTER && -n $GATEWAY_PID ]] || { echo "cannot find the cluster's postmaster or the gateway's process" >&2; exit 1; }
HZ=$(getconf CLK_TCK)

# pgbench_cpu <out-file> <pgbench args...>: runs pgbench in a shell whose reaped children's
# CPU (pgbench's) it prints in ticks; pgbench's own output goes to <out-file>
pgbench_cpu() {
  local out=$1; shift
  # shellcheck disable=SC2016
  PGPASSWORD=${PGPASSWORD:-} sh -c 'out=$1; shift; pgbench "$@" >"$out" 2>&1; sed "s/.*) //" /proc/$$/stat | awk "{print \$14 + \$15}"' \
    pgbench_cpu "$out" "$@"
}

# measure <label> <connstr> <password> <pgbench args...>: one pgbench run, once the machine
# has settled, with the CPU of every process in the chain; appends "label tps conn_ms
# pgbench proxy gateway postgres rest transactions" (CPU in ms per transaction; rest = the
# machine's less the chain's) to $WORK/runs
measure() {
  local label=$1 conn=$2 password=$3; shift 3
  local p0 g0 m0 a0 p1 g1 m1 a1 bench tps conn_ms tx
  settle >/dev/null
  thread_ticks "$GATEWAY_PID" >"$WORK/gateway.threads"; thread_ticks "$PROXY_PID" >"$WORK/proxy.threads"
  p0=$(cpu_ticks "$PROXY_PID"); g0=$(cpu_ticks "$GATEWAY_PID"); m0=$(cpu_ticks "$POSTMASTER"); a0=$(machine_ticks)
  bench=$(PGPASSWORD=$password pgbench_cpu "$WORK/$label.out" -n "$@" "$conn")
  sleep 1   # the backends end after the clients; the postmaster reaps them (their CPU lands in its cutime)
  p1=$(cpu_ticks "$PROXY_PID"); g1=$(cpu_ticks "$GATEWAY_PID"); m1=$(cpu_ticks "$POSTMASTER"); a1=$(machine_ticks)
  echo "$label gateway: $(thread_delta "$WORK/gateway.threads" <(thread_ticks "$GATEWAY_PID") 6)" >>"$WORK/threads"
  echo "$label proxy: $(thread_delta "$WORK/proxy.threads" <(thread_ticks "$PROXY_PID") 4)" >>"$WORK/threads"
  tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/$label.out" | tail -1)
  conn_ms=$(sed -n 's/^average connection time = \([0-9.]*\).*/\1/p' "$WORK/$label.out")
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/$label.out")
  [[ -n $tps && -n $tx && $tx -gt 0 ]] || { cat "$WORK/$label.out" >&2; exit 1; }
  awk -v l="$label" -v tps="$tps" -v c="${conn_ms:-0}" -v n="$tx" -v hz="$HZ" -v b="$bench" \
      -v p=$((p1 - p0)) -v g=$((g1 - g0)) -v m=$((m1 - m0)) -v a=$((a1 - a0)) \
      'BEGIN { f = 1000 / hz / n; printf "%s %.1f %.2f %.3f %.3f %.3f %.3f %.3f %d\n", l, tps, c, b*f, p*f, g*f, m*f, (a-b-p-g-m)*f, n }' >>"$WORK/runs"
}
field() { awk -v l="$1" -v i="$2" '$1 == l { print $i }' "$WORK/runs"; }

j=$(( CLIENTS < 4 ? CLIENTS : 4 ))
log "warm-up (not measured): the proxy's JIT, 10 s of new connections and 10 s of queries"
PGPASSWORD=$TOKEN pgbench -n -S -C -c 1 -T 10 "$PROXIED" >/dev/null 2>&1
pgbench -n -S -c "$CLIENTS" -j "$j" -T 10 "$PROXIED" >/dev/null 2>&1
pgbench -n -S -c "$CLIENTS" -j "$j" -T 5 "$DIRECT" >/dev/null 2>&1
: >"$WORK/runs"; : >"$WORK/threads"

log "connection set-up: pgbench -C -S -c 1 -T $SECONDS_PER_RUN, direct, gateway, proxy"
measure setup-direct "$DIRECT" "" -S -C -c 1 -T "$SECONDS_PER_RUN"
measure setup-gateway "$GATEWAY" "$TOKEN" -S -C -c 1 -T "$SECONDS_PER_RUN"
mark=$(wc -l <"$WORK/proxy.log")
measure setup-proxy "$PROXIED" "" -S -C -c 1 -T "$SECONDS_PER_RUN"
tail -n +"$((mark + 1))" "$WORK/proxy.log" | grep '(set-up ' >"$WORK/setup-phases.log" || true

log "pgbench -S -c $CLIENTS -T $SECONDS_PER_RUN: direct, gateway, proxy"
measure tps-direct "$DIRECT" "" -S -c "$CLIENTS" -j "$j" -T "$SECONDS_PER_RUN"
measure tps-gateway "$GATEWAY" "$TOKEN" -S -c "$CLIENTS" -j "$j" -T "$SECONDS_PER_RUN"
measure tps-proxy "$PROXIED" "" -S -c "$CLIENTS" -j "$j" -T "$SECONDS_PER_RUN"
drain0=$(machine_ticks); drain_seconds=$(settle 600); drain_ticks=$(( $(machine_ticks) - drain0 ))

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# phase_medians: "phase=median" over the proxy's set-up lines ("... set-up 9.1 ms: client 0.1, tls 3.2, ...")
phase_medians() {
  sed -n 's/.*(set-up [0-9.]* ms: //; s/)$//p' "$WORK/setup-phases.log" | tr ',' '\n' | awk 'NF >= 2 { print $1, $2 }' \
    | sort -k1,1 -k2,2n | awk '{ v[$1] = v[$1] " " $2; n[$1]++ } END {
        for (p in v) { split(substr(v[p], 2), a, " "); printf "%s=%s ", p, a[int((n[p] + 1) / 2)] } }'
}
{
  echo
  echo "direct = the cluster admin over $DIRECT_MODE; gateway = the gateway alone (TLS, token);"
  echo "proxy = nais postgres proxy (loopback) -> gateway (TLS) -> cluster; one run, $SECONDS_PER_RUN s per point"
  printf "connection set-up (pgbench -C, libpq average): direct %s ms, gateway %s ms (%sx), proxy %s ms (%sx; target <= 2.5x)\n" \
    "$(field setup-direct 3)" "$(field setup-gateway 3)" "$(ratio "$(field setup-gateway 3)" "$(field setup-direct 3)")" \
    "$(field setup-proxy 3)" "$(ratio "$(field setup-proxy 3)" "$(field setup-direct 3)")"
  echo "proxy set-up phases, median ms over $(wc -l <"$WORK/setup-phases.log") connections: $(phase_medians)"
  printf "select-only, %d clients: direct %.0f tps, gateway %.0f tps (%sx), proxy %.0f tps (%sx; target >= 0.45x)\n" "$CLIENTS" \
    "$(field tps-direct 2)" "$(field tps-gateway 2)" "$(ratio "$(field tps-gateway 2)" "$(field tps-direct 2)")" \
    "$(field tps-proxy 2)" "$(ratio "$(field tps-proxy 2)" "$(field tps-direct 2)")"
  echo "CPU ms per transaction (per connection for set-up) from /proc, utime+stime:"
  printf "  %-14s %8s %8s %8s %8s %8s %8s\n" run pgbench proxy gateway postgres chain rest
  for l in setup-direct setup-gateway setup-proxy tps-direct tps-gateway tps-proxy; do
    awk -v l="$l" '$1 == l { printf "  %-14s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f\n", l, $4, $5, $6, $7, $4 + $5 + $6 + $7, $8 }' "$WORK/runs"
  done
  echo "  (proxy and gateway idle in the runs that do not use them; postgres is the cluster's postmaster with its reaped backends;"
  echo "  rest = the rest of the machine during the run: the statement audit's way to the console, the kernel's own threads)"
  awk -v s="$drain_seconds" -v t="$drain_ticks" -v hz="$HZ" '$1 == "tps-proxy" {
      printf "statement audit left behind by the proxy point: stored within %d s after it, %.3f CPU ms per statement then;\n", s, t * 1000 / hz / $9
      printf "  with the rest during the run, %.3f CPU ms per audited statement\n", $8 + t * 1000 / hz / $9 }' "$WORK/runs"
  echo "busiest threads, CPU ticks of $HZ/s over the run (names without digits; the proxy's ended connection threads are not listed):"
  sed 's/^/  /' "$WORK/threads"
} | tee "$WORK/results.txt"
log "results in $WORK/results.txt"
