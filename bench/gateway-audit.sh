#!/usr/bin/env bash
# Cost of statement audit at the gateway, in one run: pgbench -S (select-only,
# simple protocol: one Query message = one StatementExecuted per transaction)
# through two gateways of the same JVM on the same cluster, one with statement
# audit off (baseline) and one with it on (events to a real Kafka broker), at 8
# and 32 clients. Reports TPS, the on/off ratio (target >= 0.95) and the audit
# events per second sustained: events the broker acknowledged for the audited run
# divided by the time from its start until the audit queue was empty again.
# The world is GatewayBenchWorld with "audit" (see bench/lib/gateway-world.sh).
#
# usage: bench/gateway-audit.sh [seconds-per-point]   (default 10)
set -euo pipefail

DURATION=${1:-${DURATION:-10}}
CLIENTS=${CLIENTS:-"8 32"}
# shellcheck source=lib/gateway-world.sh
source "$(dirname "$0")/lib/gateway-world.sh"

world_start audit
world_pgbench_init 10

log "warming up both gateways' JIT (not measured)"
PGPASSWORD=$TOKEN pgbench -n -S -c 8 -j 4 -T 8 "$GATEWAY" >/dev/null 2>&1
PGPASSWORD=$TOKEN pgbench -n -S -c 8 -j 4 -T 8 "$GATEWAY_AUDIT" >/dev/null 2>&1

# waits until the broker has acknowledged every audit event so far (the count stops moving for 1 s)
await_audit_drained() {
  local last=-1 now
  for _ in $(seq 1 240); do
    now=$(val "$(request_stats)" audit_sent)
    [[ "$now" == "$last" ]] && return
    last=$now; sleep 1
  done
}
await_audit_drained

RESULTS="$WORK/results.txt"
printf "%-7s | %10s %10s | %8s | %12s %9s %8s %8s\n" clients off_tps on_tps on/off audit_ev/s events drain_s dropped | tee "$RESULTS"
for c in $CLIENTS; do
  j=$(( c < 4 ? c : 4 ))
  read -r off_tps _ < <(run "audit-off-$c" "$GATEWAY" "$TOKEN" -S -c "$c" -j "$j" -T "$DURATION")
  before=$(request_stats); t0=$(date +%s.%N)
  read -r on_tps _ < <(run "audit-on-$c" "$GATEWAY_AUDIT" "$TOKEN" -S -c "$c" -j "$j" -T "$DURATION")
  t_run=$(date +%s.%N)
  await_audit_drained
  after=$(request_stats); t1=$(date +%s.%N)
  sent=$(( $(val "$after" audit_sent) - $(val "$before" audit_sent) ))
  printf "%-7s | %10.0f %10.0f | %8.3f | %12.0f %9s %8.1f %8s\n" "$c" "$off_tps" "$on_tps" \
    "$(echo "$on_tps / $off_tps" | bc -l)" "$(echo "$sent / ($t1 - $t0 - 1)" | bc -l)" "$sent" \
    "$(echo "$t1 - $t_run - 1" | bc -l)" "$(val "$after" audit_dropped)" | tee -a "$RESULTS"
done
final=$(request_stats)
{
  echo
  echo "audit events acknowledged by Kafka in total: $(val "$final" audit_sent) (dropped $(val "$final" audit_dropped), spooled bytes now $(val "$final" audit_spool_bytes))"
  echo "audit_ev/s: events acked for the audited run / (run + drain time); drain_s: how long after pgbench ended the queue still held events"
} | tee -a "$RESULTS"
log "results in $RESULTS"
