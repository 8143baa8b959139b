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
# Needs the packaged services and cli/target/nais/ (build only what is
# missing: ./mvnw -B -q -pl <module> package -DskipTests).
set -euo pipefail

SECONDS_PER_RUN=${1:-20}
CLIENTS=${2:-8}
RUNS=${3:-10}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH="/usr/lib/postgresql/15/bin:$PATH"
WORK=$(mktemp -d /tmp/cli-bench.XXXXXX)
STATE="$WORK/state"
chmod 755 "$WORK"   # PostgreSQL runs as an unprivileged user and keeps its data under $STATE/tmp

log() { echo "[$(date +%T)] $*" >&2; }

for f in cli/target/nais/bin/nais local-platform/target/classpath.txt access-service/target/quarkus-app/quarkus-run.jar \
         dba-grant-service/target/quarkus-app/quarkus-run.jar backup-service/target/quarkus-app/quarkus-run.jar \
         console-sync-service/target/quarkus-app/quarkus-run.jar; do
  [[ -f $ROOT/$f ]] || { echo "missing $f: build that module with ./mvnw -B -q -pl <module> package -DskipTests" >&2; exit 1; }
done

PLATFORM_PID=""; PROXY_PID=""
cleanup() {
  # SIGTERM, not SIGINT: a background job of a script starts with SIGINT ignored. Both JVMs
  # stop through their shutdown hooks, as on Ctrl-C.
  [[ -n $PROXY_PID ]] && { kill -TERM "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true; }
  [[ -n $PLATFORM_PID ]] && { kill -TERM "$PLATFORM_PID" 2>/dev/null || true; wait "$PLATFORM_PID" 2>/dev/null || true; }
  # keep the logs and results, drop the copies and the data
  rm -rf "$WORK/repo" "$WORK/lp-classes" "$STATE/tmp" "$STATE/backup"
}
trap cleanup EXIT

eventually() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# The launcher of bin/local-platform, on a private compile of local-platform's sources
# (its target/classes may lag behind them) and on private copies of the services'
# quarkus-app directories (another engineer's build may rewrite target/ mid-run).
mkdir -p "$WORK/lp-classes" "$STATE/tmp"; chmod 755 "$STATE" "$STATE/tmp"
for service in access-service dba-grant-service backup-service console-sync-service; do
  mkdir -p "$WORK/repo/$service/target"
  cp -r "$ROOT/$service/target/quarkus-app" "$WORK/repo/$service/target/quarkus-app"
  ls "$WORK/repo/$service/target/quarkus-app/app/"*.jar >/dev/null 2>&1 \
    || { echo "$service/target/quarkus-app is incomplete (a build is running?)" >&2; exit 1; }
done
javac -nowarn -d "$WORK/lp-classes" -cp "$(cat "$ROOT/local-platform/target/classpath.txt")" \
  $(find "$ROOT/local-platform/src/main/java" -name '*.java')
LAUNCHER=(java -Xmx512m -XX:+UseSerialGC -Dnais.child-jvm.tuning=throughput -Djava.io.tmpdir="$STATE/tmp" -Dnais.repo.root="$WORK/repo" -Dnais.local.state="$STATE"
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
  -cp "$WORK/lp-classes:$(cat "$ROOT/local-platform/target/classpath.txt")" io.nais.pg.local.LocalPlatform)
platform() { "${LAUNCHER[@]}" "$@"; }

log "starting the local platform (log: $WORK/up.log)"
"${LAUNCHER[@]}" up >"$WORK/up.log" 2>&1 &
PLATFORM_PID=$!
platform_up() { kill -0 "$PLATFORM_PID" 2>/dev/null || { echo "the platform exited" >&2; return 2; }; test -f "$STATE/platform.env"; }
until platform_up; do
  [[ $? == 2 || $SECONDS -gt 300 ]] && { tail -40 "$WORK/up.log" >&2; exit 1; }
  sleep 0.5
done
# shellcheck disable=SC1091
. "$STATE/platform.env"
export NAIS_CONFIG_DIR
ADMIN="$CLUSTER_TEAM_A_DEMO_APP_ADMIN_URL"

member="bench-$RANDOM@example.com"
log "adding $member to team-a and waiting for the personal role"
platform add-member team-a "$member" >/dev/null
role_exists() { [[ $(psql -X -At "$ADMIN" -c "select count(*) from pg_roles where rolname = '$member'") == 1 ]]; }
eventually 60 role_exists || { echo "no role $member" >&2; exit 1; }
TOKEN=$(platform token "$member")

log "pgbench -i -s 10 as the cluster admin, DML granted to nais_human_write"
pgbench -i -s 10 -q "$ADMIN" >/dev/null 2>&1
psql -X -q "$ADMIN" -c "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO nais_human_write"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log "starting nais postgres proxy on 127.0.0.1:$PORT"
NAIS_TOKEN="$TOKEN" "$ROOT/bin/nais" postgres proxy demo-app --team team-a --port "$PORT" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
eventually 60 pg_isready -q -h 127.0.0.1 -p "$PORT" || { cat "$WORK/proxy.log" >&2; exit 1; }
PROXIED="host=127.0.0.1 port=$PORT dbname=team-a/demo-app user=$member sslmode=disable"
# Direct: the same cluster, with TLS when it offers it (the gateway speaks TLS to it too).
DIRECT="$ADMIN"; DIRECT_MODE="plain TCP"
if psql -X -At "$ADMIN" -c 'show ssl' 2>/dev/null | grep -q on; then
  DIRECT="$ADMIN$([[ $ADMIN == *\?* ]] && echo '&' || echo '?')sslmode=require"; DIRECT_MODE="TLS"
fi

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
