#!/usr/bin/env bash
# Shared by the gateway benchmarks (gateway-pgbench.sh, gateway-audit.sh): builds the
# bench module with the packaged access-service (lib/bench-classpath.sh), starts
# io.nais.pg.bench.gateway.GatewayWorld (Kafka, the access database, the OIDC issuer,
# a cluster with TLS + cert auth for +nais_human; access-service's provisioning
# process and a gateway process without statement audit, plus, with "audited", a
# second gateway process that audits statements as the service is configured by
# default), initialises pgbench tables and offers run() and request_stats(). Source
# it; then call world_start [audited]. GATEWAY_CONFIG (key=value words) goes to every
# gateway's configuration, e.g.
# GATEWAY_CONFIG=nais.access.gateway.audit.statements.drain-interval=20ms.
#
# Sets: ROOT WORK BENCH_CP BENCH_JAVA PGBIN and, after world_start, everything in $WORK/env (GW_PID,
# and GW_AUDIT_PID with "audited": each gateway's process, for its CPU) plus DIRECT
# GATEWAY (and GATEWAY_AUDIT with "audited") connection strings.
# A script may define world_cleanup_extra to stop its own processes on exit.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"   # PostgreSQL runs as an unprivileged user and keeps its data under the temp dir
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PATH="$PGBIN:$PATH"
# shellcheck source=bench-classpath.sh
source "$ROOT/bench/lib/bench-classpath.sh"

log() { echo "[$(date +%T)] $*" >&2; }

world_cleanup() {
  if declare -F world_cleanup_extra >/dev/null; then world_cleanup_extra; fi
  touch "$WORK/stop" 2>/dev/null || true
  [[ -n "${WORLD_PID:-}" ]] && wait "$WORLD_PID" 2>/dev/null || true
  rm -rf "$WORK/quarkus-app"
}

world_start() {
  log "building the bench module and access-service"
  bench_build
  # a private copy: another build of access-service may rewrite target/ while the bench runs
  cp -r "$ROOT/access-service/target/quarkus-app" "$WORK/quarkus-app"
  trap world_cleanup EXIT
  log "starting the world (kafka, access database, issuer, cluster; access-service provisioning and gateway processes)"
  local audited=()
  [[ ${1:-} == audited ]] && audited=(--audited)
  # shellcheck disable=SC2086  # GATEWAY_CONFIG is a list of key=value words
  "${BENCH_JAVA[@]}" -Xmx512m -Dnais.child-jvm.tuning=throughput -Djava.io.tmpdir="$WORK" \
    io.nais.pg.bench.gateway.GatewayWorld "$WORK/quarkus-app/quarkus-run.jar" "$WORK" "${audited[@]}" \
    ${GATEWAY_CONFIG:-} >"$WORK/world.log" 2>&1 &
  WORLD_PID=$!
  # up to 5 minutes: on two cores shared with other work the world alone may take 3
  for _ in $(seq 1 300); do [[ -f "$WORK/env" ]] && break; kill -0 "$WORLD_PID" 2>/dev/null || break; sleep 1; done
  [[ -f "$WORK/env" ]] || { cat "$WORK/world.log"; exit 1; }
  # shellcheck disable=SC1091
  source "$WORK/env"
  DIRECT="host=127.0.0.1 port=$PG_PORT dbname=$PG_DB user=$PG_OWNER sslmode=require"
  GATEWAY="host=127.0.0.1 port=$GW_PORT dbname=$CLUSTER_ID user=$PERSON sslmode=require"
  if [[ -n "${GW_AUDIT_PORT:-}" ]]; then
    GATEWAY_AUDIT="host=127.0.0.1 port=$GW_AUDIT_PORT dbname=$CLUSTER_ID user=$PERSON sslmode=require"
  fi
}

# world_pgbench_init <scale>: pgbench tables, created directly as the application owner, DML for humans
world_pgbench_init() {
  log "pgbench -i -s $1 (directly, as the application owner)"
  PGPASSWORD=$PG_OWNER_PASSWORD pgbench -i -s "$1" -q "$DIRECT" >/dev/null 2>&1
  PGPASSWORD=$PG_OWNER_PASSWORD psql "$DIRECT" -Xq -c "GRANT SELECT, INSERT, UPDATE, DELETE ON pgbench_accounts,
    pgbench_branches, pgbench_tellers, pgbench_history TO nais_human_write"
}

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

# request_stats [gc]: the world's live figures, key=value lines: of the unaudited gateway sessions, heap_bytes
# (after a full collection with "gc"), netty_direct_bytes, rss_kb; with "audited", of the
# audited gateway audit_sent, audit_dropped, audit_spool_bytes
request_stats() {
  rm -f "$WORK/stats"; echo "${1:-}" >"$WORK/stats-request"
  for _ in $(seq 1 100); do [[ -f "$WORK/stats" ]] && break; sleep 0.1; done
  cat "$WORK/stats"
}

# val <key=value lines> <key>
val() { echo "$1" | sed -n "s/^$2=//p"; }
