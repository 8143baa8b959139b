#!/usr/bin/env bash
# Shared by the gateway benchmarks (gateway-pgbench.sh, gateway-audit.sh): builds
# access-service's test classes, starts GatewayBenchWorld (access-service running
# with its PostgreSQL-backed directory and outbox, Kafka, a cluster with TLS + cert
# auth for +nais_human, the OIDC issuer; the service's own gateway, which audits
# statements, and a second one built from the same configuration without statement
# audit), initialises pgbench tables and offers run() and request_stats(). Source
# it; then call world_start. The world is a @QuarkusTest run by surefire;
# WORLD_JAVA_OPTS go to its JVM, e.g. configuration keys such as
# -Dnais.access.gateway.audit.statements.drain-interval=20ms.
#
# Sets: ROOT WORK CP PGBIN and, after world_start, everything in $WORK/env plus
# DIRECT GATEWAY (and GATEWAY_AUDIT with "audit") connection strings.
# A script may define world_cleanup_extra to stop its own processes on exit.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
WORK=$(mktemp -d /tmp/gateway-bench.XXXXXX)
chmod 755 "$WORK"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PATH="$PGBIN:$PATH"

log() { echo "[$(date +%T)] $*" >&2; }

world_build() {
  log "building access-service test classes"
  (cd "$ROOT/access-service" && ../mvnw -B -q -o test-compile \
    && ../mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test >/dev/null)
  # a private copy: another build of access-service may rewrite target/ while the bench runs
  cp -r "$ROOT/access-service/target/classes" "$WORK/classes"
  cp -r "$ROOT/access-service/target/test-classes" "$WORK/test-classes"
  CP="$WORK/test-classes:$WORK/classes:$(cat "$WORK/cp")"
}

world_cleanup() {
  if declare -F world_cleanup_extra >/dev/null; then world_cleanup_extra; fi
  touch "$WORK/stop" 2>/dev/null || true
  [[ -n "${WORLD_PID:-}" ]] && wait "$WORLD_PID" 2>/dev/null || true
}

world_start() {
  world_build
  trap world_cleanup EXIT
  log "starting the world (access-service with its gateway, kafka, cluster, issuer; a second, unaudited gateway)"
  (cd "$ROOT" && ./mvnw -B -q -o -pl access-service surefire:test -Dtest=GatewayBenchWorld \
    -Dgateway.bench.dir="$WORK" \
    -DargLine="-Xmx1g -Dnais.child-jvm.tuning=throughput ${WORLD_JAVA_OPTS:-}") >"$WORK/world.log" 2>&1 &
  WORLD_PID=$!
  # up to 5 minutes: on two cores shared with other work the world alone may take 3
  for _ in $(seq 1 300); do [[ -f "$WORK/env" ]] && break; sleep 1; done
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

# request_stats: the world's live figures (sessions, heap, RSS; audit_sent with "audit"), key=value lines
request_stats() {
  rm -f "$WORK/stats"; touch "$WORK/stats-request"
  for _ in $(seq 1 100); do [[ -f "$WORK/stats" ]] && break; sleep 0.1; done
  cat "$WORK/stats"
}

# val <key=value lines> <key>
val() { echo "$1" | sed -n "s/^$2=//p"; }
