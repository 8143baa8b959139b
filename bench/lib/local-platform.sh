#!/usr/bin/env bash
# Shared by the benchmarks that measure what a developer uses (cli-proxy-throughput.sh,
# proxy-speed.sh): the local platform as `bin/local-platform up` starts it (Kafka, issuer,
# the four services, the gateway, team-a/demo-app), with a private state directory and
# private copies of the packaged services, stopped on exit; a member of team-a with a
# personal role and a token; pgbench tables on the demo app's cluster. Source it, then
# call platform_start and bench_member.
#
# Sets: ROOT WORK STATE; after platform_start everything in platform.env, ADMIN (the
# cluster admin URL), DIRECT (the same cluster over TLS when it offers it) and DIRECT_MODE;
# after bench_member: MEMBER TOKEN; after start_proxy: PROXY_PID PORT PROXIED.
# Needs the packaged services and cli/target/nais/bin/nais (build only what is
# missing: ./mvnw -B -q -pl <module> package -DskipTests).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=proc-cpu.sh
source "$(dirname "${BASH_SOURCE[0]}")/proc-cpu.sh"
export PATH="/usr/lib/postgresql/15/bin:$PATH"
WORK=$(mktemp -d /tmp/local-platform-bench.XXXXXX)
STATE="$WORK/state"
chmod 755 "$WORK"   # PostgreSQL runs as an unprivileged user and keeps its data under $STATE/tmp

log() { echo "[$(date +%T)] $*" >&2; }

eventually() {
  local seconds=$1; shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

PLATFORM_PID=""; PROXY_PID=""
platform_cleanup() {
  [[ -n $PROXY_PID ]] && { kill -TERM "$PROXY_PID" 2>/dev/null || true; wait "$PROXY_PID" 2>/dev/null || true; }
  # SIGTERM, not SIGINT: a background job of a script starts with SIGINT ignored. The JVM
  # stops through its shutdown hook, as on Ctrl-C.
  [[ -n $PLATFORM_PID ]] && { kill -TERM "$PLATFORM_PID" 2>/dev/null || true; wait "$PLATFORM_PID" 2>/dev/null || true; }
  # keep the logs and results, drop the copies and the data
  rm -rf "$WORK/repo" "$WORK/lp-classes" "$STATE/tmp" "$STATE/backup"
}

platform() { "${LAUNCHER[@]}" "$@"; }

# platform_start [up option...]: e.g. platform_start --replicas 2 --brokers 3
platform_start() {
  local f service
  for f in cli/target/nais/bin/nais local-platform/target/classpath.txt access-service/target/quarkus-app/quarkus-run.jar \
           dba-grant-service/target/quarkus-app/quarkus-run.jar backup-service/target/quarkus-app/quarkus-run.jar \
           console-sync-service/target/quarkus-app/quarkus-run.jar; do
    [[ -f $ROOT/$f ]] || { echo "missing $f: build that module with ./mvnw -B -q -pl <module> package -DskipTests" >&2; exit 1; }
  done
  # the launcher below is bin/local-platform's without its checks: take its tools step (age, PostgreSQL)
  "$ROOT/bin/local-platform" tools
  trap platform_cleanup EXIT
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
  # The platform's own defaults (no tuning property): what a developer runs is what is measured.
  LAUNCHER=(java -Xmx512m -XX:+UseSerialGC -Djava.io.tmpdir="$STATE/tmp" -Dnais.repo.root="$WORK/repo" -Dnais.local.state="$STATE"
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
    -cp "$WORK/lp-classes:$(cat "$ROOT/local-platform/target/classpath.txt")" io.nais.pg.local.LocalPlatform)

  log "starting the local platform (log: $WORK/up.log)"
  "${LAUNCHER[@]}" up "$@" >"$WORK/up.log" 2>&1 &
  PLATFORM_PID=$!
  platform_up() { kill -0 "$PLATFORM_PID" 2>/dev/null || { echo "the platform exited" >&2; return 2; }; test -f "$STATE/platform.env"; }
  until platform_up; do
    [[ $? == 2 || $SECONDS -gt 600 ]] && { tail -40 "$WORK/up.log" >&2; exit 1; }
    sleep 0.5
  done
  # shellcheck disable=SC1091
  . "$STATE/platform.env"
  export NAIS_CONFIG_DIR
  ADMIN="$CLUSTER_TEAM_A_DEMO_APP_ADMIN_URL"
  # Direct: the same cluster, with TLS when it offers it (the gateway speaks TLS to it too).
  DIRECT="$ADMIN"; DIRECT_MODE="plain TCP"
  if psql -X -At "$ADMIN" -c 'show ssl' 2>/dev/null | grep -q on; then
    DIRECT="$ADMIN$([[ $ADMIN == *\?* ]] && echo '&' || echo '?')sslmode=require"; DIRECT_MODE="TLS"
  fi
}

# bench_member <scale>: a new member of team-a with a personal role and a token (1 hour); pgbench
# tables at <scale>, created as the cluster admin, DML granted to nais_human_write.
bench_member() {
  MEMBER="bench-$RANDOM@example.com"
  log "adding $MEMBER to team-a and waiting for the personal role"
  platform add-member team-a "$MEMBER" >/dev/null
  role_exists() { [[ $(psql -X -At "$ADMIN" -c "select count(*) from pg_roles where rolname = '$MEMBER'") == 1 ]]; }
  eventually 60 role_exists || { echo "no role $MEMBER" >&2; exit 1; }
  # a real login's hour: the proxy holds this token for the whole run, and settling between points can outlast
  # the issuer's default 5 minutes
  TOKEN=$(platform token "$MEMBER" --lifetime 1h)
  log "pgbench -i -s $1 as the cluster admin, DML granted to nais_human_write"
  pgbench -i -s "$1" -q "$ADMIN" >/dev/null 2>&1
  psql -X -q "$ADMIN" -c "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO nais_human_write"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_proxy [option...]: `bin/nais postgres proxy demo-app` as $MEMBER on a free port, its
# output in $WORK/proxy.log; stopped on exit
start_proxy() {
  PORT=$(free_port)
  log "starting nais postgres proxy on 127.0.0.1:$PORT (log: $WORK/proxy.log)"
  NAIS_TOKEN="$TOKEN" "$ROOT/bin/nais" postgres proxy demo-app --team team-a --port "$PORT" "$@" >"$WORK/proxy.log" 2>&1 &
  PROXY_PID=$!
  eventually 60 pg_isready -q -h 127.0.0.1 -p "$PORT" || { cat "$WORK/proxy.log" >&2; exit 1; }
  PROXIED="host=127.0.0.1 port=$PORT dbname=team-a/demo-app user=$MEMBER sslmode=disable"
}
