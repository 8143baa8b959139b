#!/usr/bin/env bash
# The local proxy's own hop, without the platform: `nais postgres proxy` in front of a
# PostgreSQL that logs people in the way the gateway does (TLS, the token as cleartext
# password, database "<team>/<app>"), against pgbench straight to that PostgreSQL over
# TLS, in one run; optionally a second proxy build (another nais.jar, e.g. main's) in the
# same run. Reports connection set-up (pgbench -C), select-only TPS at 8 clients, and the
# CPU per transaction of pgbench, each proxy and PostgreSQL from /proc; the proxy's
# per-step set-up medians (--verbose).
#
#   bench/proxy-hop.sh [seconds=15] [other-nais.jar]
#
# Needs cli/target/nais.jar (./mvnw -B -q -pl cli package -DskipTests) and PostgreSQL 15.
set -euo pipefail

SECONDS_PER_RUN=${1:-15}
OTHER_JAR=${2:-}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/proc-cpu.sh
source "$(dirname "$0")/lib/proc-cpu.sh"
export PATH="/usr/lib/postgresql/15/bin:$PATH"
WORK=$(mktemp -d /tmp/proxy-hop.XXXXXX)
chmod 755 "$WORK"
log() { echo "[$(date +%T)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_postgres() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  as_postgres pg_ctl -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  cp "$WORK/data/postgres.log" "$WORK/" 2>/dev/null || true; rm -rf "$WORK/data"
}
trap cleanup EXIT

log "a PostgreSQL with TLS and cleartext-password logins (in $WORK)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=bench-ca \
  -keyout "$WORK/ca.key" -out "$WORK/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
  -keyout "$WORK/server.key" -out "$WORK/server.csr" 2>/dev/null
openssl x509 -req -in "$WORK/server.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial -days 1 \
  -extfile <(echo "subjectAltName=IP:127.0.0.1") -out "$WORK/server.crt" 2>/dev/null
mkdir -p "$WORK/data" "$WORK/socket"
chown postgres "$WORK/data" "$WORK/socket" "$WORK/server.key" "$WORK/server.crt" 2>/dev/null || true
chmod 600 "$WORK/server.key"
as_postgres initdb -D "$WORK/data" -A trust -U postgres >/dev/null
PG_PORT=$(free_port)
cat >>"$WORK/data/postgresql.conf" <<CONF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK/socket'
ssl = on
ssl_cert_file = '$WORK/server.crt'
ssl_key_file = '$WORK/server.key'
max_connections = 100
CONF
cat >"$WORK/data/pg_hba.conf" <<HBA
local all postgres trust
hostssl all all 127.0.0.1/32 password
HBA
as_postgres pg_ctl -D "$WORK/data" -l "$WORK/data/postgres.log" -w start >/dev/null
ADMIN="host=$WORK/socket port=$PG_PORT user=postgres dbname=postgres"

PERSON=ada@example.com
DB=team-a/demo-app
b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
# Unsigned: the proxy does not check the signature (the gateway does); PostgreSQL takes it as a password.
TOKEN="$(printf '{"alg":"none"}' | b64).$(printf '{"email":"%s","exp":%d}' "$PERSON" $(( $(date +%s) + 86400 )) | b64).x"
psql -X -q "$ADMIN" -c "CREATE ROLE \"$PERSON\" LOGIN PASSWORD '$TOKEN'" -c "CREATE DATABASE \"$DB\" OWNER \"$PERSON\""
PGPASSWORD=$TOKEN pgbench -i -s 1 -q "host=127.0.0.1 port=$PG_PORT dbname=$DB user=$PERSON sslmode=require" >/dev/null 2>&1
DIRECT="host=127.0.0.1 port=$PG_PORT dbname=$DB user=$PERSON sslmode=require"
POSTMASTER=$(head -1 "$WORK/data/postmaster.pid")

mkdir -p "$WORK/cli"
printf 'gateway.host=127.0.0.1\ngateway.port=%s\ngateway.ca-file=%s\n' "$PG_PORT" "$WORK/ca.crt" >"$WORK/cli/config.properties"
# start_proxy <name> <jar>: the flags bin/nais gives `postgres` commands
start_proxy() {
  local port; port=$(free_port)
  NAIS_TOKEN=$TOKEN NAIS_CONFIG_DIR="$WORK/cli" java -XX:+UseSerialGC -XX:-UsePerfData -Xss512k -jar "$2" \
    postgres proxy demo-app --team team-a --port "$port" --verbose >>"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
  eval "${1}_PID=$!; ${1}_URL='host=127.0.0.1 port=$port dbname=x user=x sslmode=disable'"
  for _ in $(seq 1 300); do pg_isready -q -h 127.0.0.1 -p "$port" && return; sleep 0.2; done
  cat "$WORK/$1.log" >&2; exit 1
}
start_proxy proxy "$ROOT/cli/target/nais.jar"
PROXIES=(proxy)
if [[ -n $OTHER_JAR ]]; then start_proxy other "$OTHER_JAR"; PROXIES+=(other); fi
HZ=$(getconf CLK_TCK)

# measure <label> <connstr> <proxy-pid or 0> <pgbench args...>: "label tps conn_ms pgbench proxy postgres" (CPU ms per tx)
measure() {
  local label=$1 conn=$2 pid=$3; shift 3
  local p0=0 p1=0 m0 m1 bench tx
  settle >/dev/null
  [[ $pid != 0 ]] && { p0=$(cpu_ticks "$pid"); thread_ticks "$pid" >"$WORK/threads.before"; }
  m0=$(cpu_ticks "$POSTMASTER")
  # shellcheck disable=SC2016
  bench=$(PGPASSWORD=$TOKEN sh -c 'out=$1; shift; pgbench "$@" >"$out" 2>&1; sed "s/.*) //" /proc/$$/stat | awk "{print \$14 + \$15}"' \
    pgbench_cpu "$WORK/$label.out" -n "$@" "$conn")
  sleep 1
  [[ $pid != 0 ]] && { p1=$(cpu_ticks "$pid")
    echo "$label: $(thread_delta "$WORK/threads.before" <(thread_ticks "$pid") 5)" >>"$WORK/threads"; }
  m1=$(cpu_ticks "$POSTMASTER")
  tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$WORK/$label.out")
  [[ -n $tx && $tx -gt 0 ]] || { cat "$WORK/$label.out" >&2; exit 1; }
  awk -v l="$label" -v n="$tx" -v hz="$HZ" -v b="$bench" -v p=$((p1 - p0)) -v m=$((m1 - m0)) \
      -v tps="$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/$label.out" | tail -1)" \
      -v c="$(sed -n 's/^average connection time = \([0-9.]*\).*/\1/p' "$WORK/$label.out")" \
      'BEGIN { f = 1000 / hz / n; printf "%s %.1f %.2f %.3f %.3f %.3f\n", l, tps, c + 0, b*f, p*f, m*f }' | tee -a "$WORK/runs" >&2
}

log "warm-up (not measured): 10 s of new connections and 10 s of queries through each proxy"
for p in "${PROXIES[@]}"; do
  url_var="${p}_URL"
  pgbench -n -S -C -c 1 -T 10 "${!url_var}" >/dev/null 2>&1
  pgbench -n -S -c 8 -j 4 -T 10 "${!url_var}" >/dev/null 2>&1
done
PGPASSWORD=$TOKEN pgbench -n -S -c 8 -j 4 -T 5 "$DIRECT" >/dev/null 2>&1
: >"$WORK/runs"; : >"$WORK/threads"
for p in "${PROXIES[@]}"; do : >"$WORK/$p.log"; done

log "connection set-up (pgbench -C -S -c 1) and select-only at 8 clients, $SECONDS_PER_RUN s each"
measure setup-direct "$DIRECT" 0 -S -C -c 1 -T "$SECONDS_PER_RUN"
for p in "${PROXIES[@]}"; do url_var="${p}_URL"; pid_var="${p}_PID"
  measure "setup-$p" "${!url_var}" "${!pid_var}" -S -C -c 1 -T "$SECONDS_PER_RUN"; done
measure tps-direct "$DIRECT" 0 -S -c 8 -j 4 -T "$SECONDS_PER_RUN"
for p in "${PROXIES[@]}"; do url_var="${p}_URL"; pid_var="${p}_PID"
  measure "tps-$p" "${!url_var}" "${!pid_var}" -S -c 8 -j 4 -T "$SECONDS_PER_RUN"; done

field() { awk -v l="$1" -v i="$2" '$1 == l { print $i }' "$WORK/runs"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
{
  echo
  echo "direct = pgbench to PostgreSQL over TLS (cleartext password, as the gateway logs in); proxy = this build's"
  echo "nais postgres proxy in front of it${OTHER_JAR:+; other = $OTHER_JAR}; one run, $SECONDS_PER_RUN s per point"
  for p in "${PROXIES[@]}"; do
    printf "%-6s set-up %s ms vs direct %s ms (%sx); select-only 8 clients %.0f tps vs direct %.0f (%sx)\n" "$p" \
      "$(field "setup-$p" 3)" "$(field setup-direct 3)" "$(ratio "$(field "setup-$p" 3)" "$(field setup-direct 3)")" \
      "$(field "tps-$p" 2)" "$(field tps-direct 2)" "$(ratio "$(field "tps-$p" 2)" "$(field tps-direct 2)")"
  done
  steps="$(sed -n 's/.*(set-up [0-9.]* ms: //; s/)$//p' "$WORK/proxy.log" | tr ',' '\n' | awk 'NF >= 2 { print $1, $2 }' | sort -k1,1 -k2,2n \
    | awk '{ v[$1] = v[$1] " " $2; n[$1]++ } END { for (p in v) { split(substr(v[p], 2), a, " "); printf "%s=%s ", p, a[int((n[p] + 1) / 2)] } }')"
  echo "proxy set-up steps, median ms: $steps"
  echo "CPU ms per transaction (per connection for set-up), /proc utime+stime:"
  printf "  %-14s %8s %8s %8s\n" run pgbench proxy postgres
  awk '{ printf "  %-14s %8.3f %8.3f %8.3f\n", $1, $4, $5, $6 }' "$WORK/runs"
  echo "the proxies' busiest threads that outlive a connection, CPU ticks of $HZ/s over the run (the rest is the connections' own threads):"
  sed 's/^/  /' "$WORK/threads"
} | tee "$WORK/results.txt"
log "results in $WORK/results.txt"
