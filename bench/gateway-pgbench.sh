#!/usr/bin/env bash
# Gateway speed, in one run, as ratios against baselines measured in the same run:
#   1. pgbench -S (select-only) and TPC-B-like at 1/8/32 clients: direct vs PgBouncer
#      (session mode) vs gateway; TPS and p99 latency. All three speak TLS to the client
#      and to PostgreSQL, so the comparison is about the hop, not about encryption.
#   2. Connection set-up p50/p99 (pgjdbc loop: connect, select 1, close) gateway vs
#      direct SCRAM; plus pgbench -C average connection time (libpq).
#   3. Gateway heap/RSS/Netty direct memory with 500 idle sessions (its /q/metrics and /proc).
# Beside each TPS: CPU per transaction from /proc (utime+stime) of PgBouncer and of the
# gateway's JVM (access-service's gateway process, GW_PID).
# The world (cluster with TLS + cert auth for +nais_human, OIDC issuer, the packaged
# access-service as its provisioning and gateway processes) is bench/lib/gateway-world.sh.
#
# usage: bench/gateway-pgbench.sh [seconds-per-point]   (default 10; the issue asks 30)
set -euo pipefail

DURATION=${1:-${DURATION:-10}}
CLIENTS=${CLIENTS:-"1 8 32"}
IDLE_SESSIONS=${IDLE_SESSIONS:-500}
# Every client is the one bench person: the per-person session limit (20 by default) must
# admit 32 pgbench clients and the idle sessions.
GATEWAY_CONFIG="${GATEWAY_CONFIG:-} nais.access.gateway.limits.max-sessions-per-person=$((IDLE_SESSIONS + 100))"
# shellcheck source=lib/gateway-world.sh
source "$(dirname "$0")/lib/gateway-world.sh"
# shellcheck source=lib/proc-cpu.sh
source "$(dirname "$0")/lib/proc-cpu.sh"

if ! command -v pgbouncer >/dev/null; then
  log "installing pgbouncer (Debian package)"
  apt-get install -y pgbouncer >/dev/null
fi
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)

world_cleanup_extra() {
  [[ -f "$WORK/bouncer/bouncer.pid" ]] && kill "$(cat "$WORK/bouncer/bouncer.pid")" 2>/dev/null || true
}
# the world's build (bench_build) builds the connection set-up loop too (io.nais.pg.bench.gateway.ConnectionSetupBench)
world_start
BOUNCER_PORT=$((GW_PORT + 7))
BOUNCER="host=127.0.0.1 port=$BOUNCER_PORT dbname=$PG_DB user=$PG_OWNER sslmode=require"

world_pgbench_init 10

log "starting pgbouncer (session mode, TLS both sides)"
B="$WORK/bouncer"   # pgbouncer refuses to run as root; its files belong to postgres
mkdir -p "$B"
cp "$BOUNCER_CERT" "$B/bouncer.crt"; cp "$BOUNCER_KEY" "$B/bouncer.key"
echo "\"$PG_OWNER\" \"$PG_OWNER_PASSWORD\"" >"$B/userlist.txt"
chown -R postgres "$B"; chmod 700 "$B"; chmod 600 "$B/bouncer.key" "$B/userlist.txt"
cat >"$B/pgbouncer.ini" <<INI
[databases]
$PG_DB = host=127.0.0.1 port=$PG_PORT dbname=$PG_DB
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $B/userlist.txt
pool_mode = session
max_client_conn = 1000
default_pool_size = 100
client_tls_sslmode = require
client_tls_cert_file = $B/bouncer.crt
client_tls_key_file = $B/bouncer.key
server_tls_sslmode = require
logfile = $B/pgbouncer.log
pidfile = $B/bouncer.pid
INI
chown postgres "$B/pgbouncer.ini"
runuser -u postgres -- "$PGBOUNCER" -d "$B/pgbouncer.ini"
sleep 1
BOUNCER_PID=$(cat "$B/bouncer.pid")
HZ=$(getconf CLK_TCK)
# cpu_run <pid> <label> <connstr> <password> <pgbench args...>: "tps p99 cpu_ms_per_tx" (of <pid>)
cpu_run() {
  local pid=$1 before tps p99; shift
  before=$(cpu_ticks "$pid")
  read -r tps p99 < <(run "$@")
  awk -v t="$tps" -v p="$p99" -v d=$(( $(cpu_ticks "$pid") - before )) -v hz="$HZ" -v s="$DURATION" \
    'BEGIN { printf "%s %s %.3f\n", t, p, (t > 0 ? d * 1000 / hz / (t * s) : 0) }'
}

log "warming up the gateway's JIT (not measured)"
PGPASSWORD=$TOKEN pgbench -n -S -c 8 -j 4 -T 8 "$GATEWAY" >/dev/null 2>&1
PGPASSWORD=$TOKEN pgbench -n -c 8 -j 4 -T 4 "$GATEWAY" >/dev/null 2>&1

RESULTS="$WORK/results.txt"
printf "%-8s %7s | %10s %10s %10s | %8s %8s | %8s %8s %8s | %8s %8s\n" mode clients direct_tps bouncer_tps gateway_tps \
  gw/direct gw/bouncr p99_dir p99_bnc p99_gw cpu_bnc cpu_gw | tee "$RESULTS"
for mode in select-only tpcb-like; do
  flag=""; [[ $mode == select-only ]] && flag="-S"
  for c in $CLIENTS; do
    j=$(( c < 4 ? c : 4 ))
    read -r d_tps d_p99 < <(run "direct-$mode-$c" "$DIRECT" "$PG_OWNER_PASSWORD" $flag -c "$c" -j "$j" -T "$DURATION")
    read -r b_tps b_p99 b_cpu < <(cpu_run "$BOUNCER_PID" "bouncer-$mode-$c" "$BOUNCER" "$PG_OWNER_PASSWORD" $flag -c "$c" -j "$j" -T "$DURATION")
    read -r g_tps g_p99 g_cpu < <(cpu_run "$GW_PID" "gateway-$mode-$c" "$GATEWAY" "$TOKEN" $flag -c "$c" -j "$j" -T "$DURATION")
    printf "%-8s %7s | %10.0f %10.0f %10.0f | %8.2f %8.2f | %8s %8s %8s | %8s %8s\n" "${mode%%-*}" "$c" "$d_tps" "$b_tps" "$g_tps" \
      "$(echo "$g_tps / $d_tps" | bc -l)" "$(echo "$g_tps / $b_tps" | bc -l)" "$d_p99" "$b_p99" "$g_p99" "$b_cpu" "$g_cpu" | tee -a "$RESULTS"
  done
done

echo "cpu_bnc, cpu_gw: CPU ms per transaction of PgBouncer and of the gateway's JVM (/proc, utime+stime)" | tee -a "$RESULTS"

log "connection set-up (pgjdbc loop, TLS): direct SCRAM vs gateway (token + minted certificate)"
ENC_DB=$(printf %s "$CLUSTER_ID" | sed 's#/#%2F#')
direct_setup=$("${BENCH_JAVA[@]}" io.nais.pg.bench.gateway.ConnectionSetupBench \
  "jdbc:postgresql://127.0.0.1:$PG_PORT/$PG_DB?sslmode=require" "$PG_OWNER" "$PG_OWNER_PASSWORD" 100 500)
gateway_setup=$("${BENCH_JAVA[@]}" io.nais.pg.bench.gateway.ConnectionSetupBench \
  "jdbc:postgresql://127.0.0.1:$GW_PORT/$ENC_DB?sslmode=require" "$PERSON" "$TOKEN" 100 500)
d50=$(echo "$direct_setup" | sed 's/p50=\([0-9.]*\).*/\1/'); d99=$(echo "$direct_setup" | sed 's/.*p99=\([0-9.]*\)/\1/')
g50=$(echo "$gateway_setup" | sed 's/p50=\([0-9.]*\).*/\1/'); g99=$(echo "$gateway_setup" | sed 's/.*p99=\([0-9.]*\)/\1/')
{
  echo
  echo "connection set-up ms (pgjdbc): direct p50=$d50 p99=$d99 | gateway p50=$g50 p99=$g99 | ratio p50=$(printf %.2f "$(echo "$g50/$d50" | bc -l)") p99=$(printf %.2f "$(echo "$g99/$d99" | bc -l)")"
  for t in direct gateway; do
    conn=$DIRECT; pw=$PG_OWNER_PASSWORD; [[ $t == gateway ]] && { conn=$GATEWAY; pw=$TOKEN; }
    avg=$(PGPASSWORD=$pw pgbench -n -S -C -c 1 -T "$(( DURATION < 5 ? DURATION : 5 ))" "$conn" 2>&1 | sed -n 's/^average connection time = \([0-9.]*\).*/\1/p')
    echo "pgbench -C average connection time ($t, libpq): ${avg} ms"
  done
} | tee -a "$RESULTS"

log "memory with $IDLE_SESSIONS idle sessions"
before=$(request_stats gc)
echo '\sleep 40 s' >"$WORK/idle.sql"
PGPASSWORD=$TOKEN pgbench -n -f "$WORK/idle.sql" -c "$IDLE_SESSIONS" -j 4 -T 45 "$GATEWAY" >"$WORK/idle.log" 2>&1 &
IDLE_PID=$!
for _ in $(seq 1 60); do
  s=$(request_stats | sed -n 's/sessions=//p'); [[ "$s" -ge "$IDLE_SESSIONS" ]] && break; sleep 1
done
sleep 2
after=$(request_stats gc)
kill "$IDLE_PID" 2>/dev/null || true; wait "$IDLE_PID" 2>/dev/null || true
{
  echo
  echo "gateway memory: before sessions=$(val "$before" sessions) heap=$(( $(val "$before" heap_bytes) / 1048576 ))MiB rss=$(( $(val "$before" rss_kb) / 1024 ))MiB netty_direct=$(( $(val "$before" netty_direct_bytes) / 1048576 ))MiB"
  echo "gateway memory: with  sessions=$(val "$after" sessions) heap=$(( $(val "$after" heap_bytes) / 1048576 ))MiB rss=$(( $(val "$after" rss_kb) / 1024 ))MiB netty_direct=$(( $(val "$after" netty_direct_bytes) / 1048576 ))MiB"
  echo "per idle session: heap=$(( ($(val "$after" heap_bytes) - $(val "$before" heap_bytes)) / $IDLE_SESSIONS / 1024 ))KiB rss=$(( ($(val "$after" rss_kb) - $(val "$before" rss_kb)) / $IDLE_SESSIONS ))KiB"
  echo "(the gateway's process alone: provisioning, PostgreSQL, Kafka and the issuer run in their own processes)"
} | tee -a "$RESULTS"
log "results in $RESULTS"
