#!/usr/bin/env bash
# Gateway speed, in one run, as ratios against baselines measured in the same run:
#   1. pgbench -S (select-only) and TPC-B-like at 1/8/32 clients: direct vs PgBouncer
#      (session mode) vs gateway; TPS and p99 latency. All three speak TLS to the client
#      and to PostgreSQL, so the comparison is about the hop, not about encryption.
#   2. Connection set-up p50/p99 (pgjdbc loop: connect, select 1, close) gateway vs
#      direct SCRAM; plus pgbench -C average connection time (libpq).
#   3. Gateway heap/RSS with 500 idle sessions.
# The world (cluster with TLS + cert auth for +nais_human, OIDC issuer, gateway) is
# access-service's test harness, run by GatewayBenchWorld.
#
# usage: bench/gateway-pgbench.sh [seconds-per-point]   (default 10; the issue asks 30)
set -euo pipefail

DURATION=${1:-${DURATION:-10}}
CLIENTS=${CLIENTS:-"1 8 32"}
IDLE_SESSIONS=${IDLE_SESSIONS:-500}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PATH="$PGBIN:$PATH"

log() { echo "[$(date +%T)] $*" >&2; }

if ! command -v pgbouncer >/dev/null; then
  log "installing pgbouncer (Debian package)"
  apt-get install -y pgbouncer >/dev/null
fi
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)

log "building access-service test classes"
cd "$ROOT/access-service"
../mvnw -B -q -o test-compile
../mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test >/dev/null
# a private copy: another build of access-service may rewrite target/ while the bench runs
cp -r target/classes "$WORK/classes"; cp -r target/test-classes "$WORK/test-classes"
CP="$WORK/test-classes:$WORK/classes:$(cat "$WORK/cp")"

cleanup() {
  touch "$WORK/stop" 2>/dev/null || true
  [[ -f "$WORK/bouncer/bouncer.pid" ]] && kill "$(cat "$WORK/bouncer/bouncer.pid")" 2>/dev/null || true
  [[ -n "${WORLD_PID:-}" ]] && wait "$WORLD_PID" 2>/dev/null || true
}
trap cleanup EXIT

log "starting the world (cluster, issuer, gateway)"
java -Xmx1g -cp "$CP" io.nais.pg.access.gateway.GatewayBenchWorld "$WORK" >"$WORK/world.log" 2>&1 &
WORLD_PID=$!
for _ in $(seq 1 120); do [[ -f "$WORK/env" ]] && break; sleep 1; done
[[ -f "$WORK/env" ]] || { cat "$WORK/world.log"; exit 1; }
# shellcheck disable=SC1091
source "$WORK/env"

DIRECT="host=127.0.0.1 port=$PG_PORT dbname=$PG_DB user=$PG_OWNER sslmode=require"
GATEWAY="host=127.0.0.1 port=$GW_PORT dbname=$CLUSTER_ID user=$PERSON sslmode=require"
BOUNCER_PORT=$((GW_PORT + 7))
BOUNCER="host=127.0.0.1 port=$BOUNCER_PORT dbname=$PG_DB user=$PG_OWNER sslmode=require"

log "pgbench -i -s 10 (directly, as the application owner)"
PGPASSWORD=$PG_OWNER_PASSWORD pgbench -i -s 10 -q "$DIRECT" >/dev/null 2>&1
PGPASSWORD=$PG_OWNER_PASSWORD psql "$DIRECT" -Xq -c "GRANT SELECT, INSERT, UPDATE, DELETE ON pgbench_accounts,
  pgbench_branches, pgbench_tellers, pgbench_history TO nais_human"

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

# run <label> <connstr> <password> <pgbench args...>  -> prints "tps p99_ms"
run() {
  local label=$1 conn=$2 password=$3; shift 3
  local prefix="$WORK/log/$label"
  mkdir -p "$WORK/log"; rm -f "$prefix".*
  local out
  out=$(PGPASSWORD=$password pgbench -n "$@" -l --log-prefix="$prefix" "$conn" 2>&1) || { echo "$out" >&2; echo "0 0"; return; }
  local tps p99
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | tail -1)
  p99=$(cat "$prefix".* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.2f", a[i]/1000}')
  echo "$tps $p99"
}

log "warming up the gateway's JIT (not measured)"
PGPASSWORD=$TOKEN pgbench -n -S -c 8 -j 4 -T 8 "$GATEWAY" >/dev/null 2>&1
PGPASSWORD=$TOKEN pgbench -n -c 8 -j 4 -T 4 "$GATEWAY" >/dev/null 2>&1

RESULTS="$WORK/results.txt"
printf "%-8s %7s | %10s %10s %10s | %8s %8s | %8s %8s %8s\n" mode clients direct_tps bouncer_tps gateway_tps \
  gw/direct gw/bouncr p99_dir p99_bnc p99_gw | tee "$RESULTS"
for mode in select-only tpcb-like; do
  flag=""; [[ $mode == select-only ]] && flag="-S"
  for c in $CLIENTS; do
    j=$(( c < 4 ? c : 4 ))
    read -r d_tps d_p99 < <(run "direct-$mode-$c" "$DIRECT" "$PG_OWNER_PASSWORD" $flag -c "$c" -j "$j" -T "$DURATION")
    read -r b_tps b_p99 < <(run "bouncer-$mode-$c" "$BOUNCER" "$PG_OWNER_PASSWORD" $flag -c "$c" -j "$j" -T "$DURATION")
    read -r g_tps g_p99 < <(run "gateway-$mode-$c" "$GATEWAY" "$TOKEN" $flag -c "$c" -j "$j" -T "$DURATION")
    printf "%-8s %7s | %10.0f %10.0f %10.0f | %8.2f %8.2f | %8s %8s %8s\n" "${mode%%-*}" "$c" "$d_tps" "$b_tps" "$g_tps" \
      "$(echo "$g_tps / $d_tps" | bc -l)" "$(echo "$g_tps / $b_tps" | bc -l)" "$d_p99" "$b_p99" "$g_p99" | tee -a "$RESULTS"
  done
done

log "connection set-up (pgjdbc loop, TLS): direct SCRAM vs gateway (token + minted certificate)"
ENC_DB=$(printf %s "$CLUSTER_ID" | sed 's#/#%2F#')
direct_setup=$(java -cp "$CP" io.nais.pg.access.gateway.ConnectionSetupBench \
  "jdbc:postgresql://127.0.0.1:$PG_PORT/$PG_DB?sslmode=require" "$PG_OWNER" "$PG_OWNER_PASSWORD" 100 500)
gateway_setup=$(java -cp "$CP" io.nais.pg.access.gateway.ConnectionSetupBench \
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
request_stats() { rm -f "$WORK/stats"; touch "$WORK/stats-request"; for _ in $(seq 1 100); do [[ -f "$WORK/stats" ]] && break; sleep 0.1; done; cat "$WORK/stats"; }
before=$(request_stats)
echo '\sleep 40 s' >"$WORK/idle.sql"
PGPASSWORD=$TOKEN pgbench -n -f "$WORK/idle.sql" -c "$IDLE_SESSIONS" -j 4 -T 45 "$GATEWAY" >"$WORK/idle.log" 2>&1 &
IDLE_PID=$!
for _ in $(seq 1 60); do
  s=$(request_stats | sed -n 's/sessions=//p'); [[ "$s" -ge "$IDLE_SESSIONS" ]] && break; sleep 1
done
sleep 2
after=$(request_stats)
kill "$IDLE_PID" 2>/dev/null || true; wait "$IDLE_PID" 2>/dev/null || true
val() { echo "$1" | sed -n "s/^$2=//p"; }
{
  echo
  echo "gateway memory: before sessions=$(val "$before" sessions) heap=$(( $(val "$before" heap_bytes) / 1048576 ))MiB rss=$(( $(val "$before" rss_kb) / 1024 ))MiB netty_direct=$(( $(val "$before" netty_direct_bytes) / 1048576 ))MiB"
  echo "gateway memory: with  sessions=$(val "$after" sessions) heap=$(( $(val "$after" heap_bytes) / 1048576 ))MiB rss=$(( $(val "$after" rss_kb) / 1024 ))MiB netty_direct=$(( $(val "$after" netty_direct_bytes) / 1048576 ))MiB"
  echo "per idle session: heap=$(( ($(val "$after" heap_bytes) - $(val "$before" heap_bytes)) / $IDLE_SESSIONS / 1024 ))KiB rss=$(( ($(val "$after" rss_kb) - $(val "$before" rss_kb)) / $IDLE_SESSIONS ))KiB"
  echo "(RSS is the whole bench JVM: gateway plus the test harness; PostgreSQL and the issuer run in their own processes)"
} | tee -a "$RESULTS"
log "results in $RESULTS"
