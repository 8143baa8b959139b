#!/usr/bin/env bash
# Cost of statement audit at the gateway, in one run: pgbench -S (select-only,
# simple protocol: one Query message = one StatementExecuted per transaction)
# through two gateway processes of access-service on the same cluster, one with
# statement audit off (baseline) and one with it on (events to a real Kafka broker), at 8
# and 32 clients. Reports TPS, the on/off ratio (target >= 0.95) and the audit
# events per second sustained: events the broker acknowledged for the audited run
# divided by the time from its start until the audit queue was empty again; and each
# gateway process's CPU per transaction from /proc.
# The world is bench/lib/gateway-world.sh's: GATEWAY is its unaudited gateway,
# GATEWAY_AUDIT the one configured as the service is by default, both on the real directory.
#
# The machine is shared and noisy, so each client count is measured in ROUNDS
# (default 4) of off/on pairs, in alternating order (off-on, on-off, ...), and the
# figure is the median of the rounds' ratios: a burst of load from elsewhere
# spoils one pair, not the result.
#
# usage: bench/gateway-audit.sh [seconds-per-point] [rounds]   (defaults 10, 4)
set -euo pipefail

DURATION=${1:-${DURATION:-10}}
ROUNDS=${2:-${ROUNDS:-4}}
CLIENTS=${CLIENTS:-"8 32"}
# Every client is the one bench person: the per-person session limit (20 by default) must admit the most clients.
GATEWAY_CONFIG="${GATEWAY_CONFIG:-} nais.access.gateway.limits.max-sessions-per-person=$(( $(echo "$CLIENTS" | tr ' ' '\n' | sort -n | tail -1) + 10 ))"
# shellcheck source=lib/gateway-world.sh
source "$(dirname "$0")/lib/gateway-world.sh"
# shellcheck source=lib/proc-cpu.sh
source "$(dirname "$0")/lib/proc-cpu.sh"

world_start audited
world_pgbench_init 10

# A running gateway and broker are JIT-warm. After 8 s of warm-up the broker's C2
# compiler threads were still the broker's largest CPU consumer (JFR), and charged
# to the audited runs that cost several percent of TPS; so the audited path warms
# twice as long, and WARMUP is configurable.
WARMUP=${WARMUP:-20}
log "warming up both gateways' and the broker's JIT (not measured)"
PGPASSWORD=$TOKEN pgbench -n -S -c 8 -j 4 -T "$WARMUP" "$GATEWAY" >/dev/null 2>&1
PGPASSWORD=$TOKEN pgbench -n -S -c 8 -j 4 -T $(( 2 * WARMUP )) "$GATEWAY_AUDIT" >/dev/null 2>&1

# waits until the broker has acknowledged every audit event so far: the count stops moving for 3 s. (1 s was
# too short on a loaded machine: a run's acknowledgements paused longer than that, and the rest were counted in
# the next round. With a fixed transaction count, -t, every select is one acknowledged event.)
STILL_SECONDS=3
await_audit_drained() {
  local last=-1 now still=0
  for _ in $(seq 1 240); do
    now=$(val "$(request_stats)" audit_sent)
    if [[ "$now" == "$last" ]]; then still=$((still + 1)); else still=0; fi
    (( still >= STILL_SECONDS )) && return
    last=$now; sleep 1
  done
}
await_audit_drained

RESULTS="$WORK/results.txt"
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
printf "%-7s %5s | %10s %10s | %8s | %12s %9s %8s %8s\n" clients round off_tps on_tps on/off audit_ev/s events drain_s dropped | tee "$RESULTS"
SUMMARY=""
# CPU of each gateway's process over all its measured runs (the audited one's until its queue drained), and the
# transactions in them
OFF_TICKS=0; OFF_TX=0; ON_TICKS=0; ON_TX=0
# off_run <c> <j> <r>: sets off_tps
off_run() {
  local ticks; ticks=$(cpu_ticks "$GW_PID")
  read -r off_tps _ < <(run "audit-off-$1-$3" "$GATEWAY" "$TOKEN" -S -c "$1" -j "$2" -T "$DURATION")
  OFF_TICKS=$(( OFF_TICKS + $(cpu_ticks "$GW_PID") - ticks ))
  OFF_TX=$(echo "$OFF_TX + $off_tps * $DURATION" | bc -l)
}
for c in $CLIENTS; do
  j=$(( c < 4 ? c : 4 ))
  ratios=""
  for r in $(seq 1 "$ROUNDS"); do
    # odd rounds off then on, even rounds on then off: a slow drift of the machine cancels out
    if (( r % 2 == 1 )); then
      off_run "$c" "$j" "$r"
    fi
    before=$(request_stats); t0=$(date +%s.%N); on_ticks=$(cpu_ticks "$GW_AUDIT_PID")
    read -r on_tps _ < <(run "audit-on-$c-$r" "$GATEWAY_AUDIT" "$TOKEN" -S -c "$c" -j "$j" -T "$DURATION")
    t_run=$(date +%s.%N)
    await_audit_drained
    after=$(request_stats); t1=$(date +%s.%N)
    ON_TICKS=$(( ON_TICKS + $(cpu_ticks "$GW_AUDIT_PID") - on_ticks ))
    ON_TX=$(echo "$ON_TX + $on_tps * $DURATION" | bc -l)
    if (( r % 2 == 0 )); then
      off_run "$c" "$j" "$r"
    fi
    sent=$(( $(val "$after" audit_sent) - $(val "$before" audit_sent) ))
    ratio=$(echo "$on_tps / $off_tps" | bc -l)
    ratios="$ratios $ratio"
    printf "%-7s %5s | %10.0f %10.0f | %8.3f | %12.0f %9s %8.1f %8s\n" "$c" "$r" "$off_tps" "$on_tps" \
      "$ratio" "$(echo "$sent / ($t1 - $t0 - $STILL_SECONDS)" | bc -l)" "$sent" \
      "$(echo "$t1 - $t_run - $STILL_SECONDS" | bc -l)" "$(val "$after" audit_dropped)" | tee -a "$RESULTS"
  done
  SUMMARY="$SUMMARY$(printf "%s clients: median on/off %.3f over %s rounds (target >= 0.95)" "$c" \
    "$(echo "$ratios" | tr ' ' '\n' | grep . | median)" "$ROUNDS")"$'\n'
done
final=$(request_stats)
{
  echo
  printf "%s" "$SUMMARY"
  echo "audit events acknowledged by Kafka in total: $(val "$final" audit_sent) (dropped $(val "$final" audit_dropped), spooled bytes now $(val "$final" audit_spool_bytes))"
  awk -v off="$OFF_TICKS" -v offtx="$OFF_TX" -v on="$ON_TICKS" -v ontx="$ON_TX" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    o = offtx > 0 ? off * 1000 / hz / offtx : 0; a = ontx > 0 ? on * 1000 / hz / ontx : 0; r = o > 0 ? a / o : 0
    printf "gateway CPU ms per transaction, all rounds: audit off %.4f, audit on %.4f (drain included), on/off %.2f\n", o, a, r }'
  echo "audit_ev/s: events acked for the audited run / (run + drain time); drain_s: how long after pgbench ended the queue still held events"
  echo "CPU: /proc utime+stime of each gateway's process (GW_PID, GW_AUDIT_PID)"
} | tee -a "$RESULTS"
log "results in $RESULTS"
