#!/usr/bin/env bash
# `nais postgres psql <app> -- -c 'select 1'` to exit, against `nais --help` to exit,
# measured in one run, runs interleaved (so load on the machine hits both alike);
# target (issue 22): psql ≤ 1.6× help. Also `psql` directly over TLS, for scale.
#
# The server is a real PostgreSQL from the machine's binaries that asks for the login
# exactly as the gateway does (SSLRequest → TLS with a certificate from a throwaway CA →
# cleartext password = the token, role = the token's email, database = team/app), so
# the figure is the CLI's own launch cost; the gateway's login check (bench/gateway-pgbench.sh)
# comes on top of it on a real platform. The CLI is the installed one, cli/target/nais/.
#
#   ./mvnw -B -q -pl cli -am package -DskipTests && bench/psql-launch.sh [RUNS=15] [OTHER_NAIS]
#
# OTHER_NAIS, another build's launcher (e.g. a copy of main's cli/target/nais after its
# install.sh ran there: the start-up archive names the jar by path), is measured in the same
# run, interleaved, for a before/after comparison. Besides wall time each launch reports its
# CPU (user+system of the JVM and what it waited for, less psql's own), which load on a shared
# machine distorts far less.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-15}"
other="${2:-}"
nais="$root/cli/target/nais/bin/nais"
[[ -x $nais ]] || { echo "build first: ./mvnw -B -q -pl cli -am package -DskipTests" >&2; exit 1; }
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
export PATH="$pgbin:$PATH"

work="$(mktemp -d /tmp/psql-launch.XXXXXX)"
chmod 755 "$work"
runas=(); [[ $(id -u) == 0 ]] && { chown postgres "$work"; runas=(su postgres -c); }
as_server() { if ((${#runas[@]})); then "${runas[@]}" "$*"; else bash -c "$*"; fi; }
cleanup() { as_server "$pgbin/pg_ctl -D $work/data -m immediate stop" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

# a CA and a server certificate for 127.0.0.1, made for this run
( cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 1 -subj /CN=bench-ca
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1
  printf 'subjectAltName=IP:127.0.0.1\n' > san.cnf
  openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile san.cnf ) >/dev/null 2>&1
port=$(( 20000 + RANDOM % 20000 ))
chown -R "$( ((${#runas[@]})) && echo postgres || id -un)" "$work"
as_server "$pgbin/initdb -D $work/data -U admin --auth=trust" >/dev/null
cp "$work/server.crt" "$work/server.key" "$work/data/"
chmod 600 "$work/data/server.key"; ((${#runas[@]})) && chown postgres "$work/data/server.key" "$work/data/server.crt"
cat >> "$work/data/postgresql.conf" <<CONF
port=$port
listen_addresses='127.0.0.1'
unix_socket_directories='$work'
ssl=on
ssl_cert_file='server.crt'
ssl_key_file='server.key'
CONF
printf 'local all all trust\nhostssl all all 127.0.0.1/32 password\n' > "$work/data/pg_hba.conf"
as_server "$pgbin/pg_ctl -D $work/data -l $work/server.log -w start" >/dev/null

# A token-shaped string: the CLI reads whose it is and sends it as the password.
b64() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
token="$(printf '{"alg":"none"}' | b64).$(printf '{"email":"bench@example.com","exp":%s}' $(( $(date +%s) + 3600 )) | b64).x"
psql -q -h "$work" -p "$port" -U admin postgres \
  -c "create role \"bench@example.com\" login password '$token'" -c 'create database "team-a/demo-app"'

export NAIS_CONFIG_DIR="$work/config" NAIS_TOKEN="$token" NAIS_TEAM=team-a \
  NAIS_GATEWAY_HOST=127.0.0.1 NAIS_GATEWAY_PORT="$port" NAIS_GATEWAY_CA_FILE="$work/ca.crt"
direct="host=127.0.0.1 port=$port sslmode=verify-full sslrootcert=$work/ca.crt user=bench@example.com dbname=team-a/demo-app"

now() { date +%s%N; }
# measure <command…>: "<wall ms> <CPU ms>"; CPU is user+system of the command and the children
# it waited for (GNU time's rusage), so a launch's includes psql's: the report subtracts the
# direct psql's median from it.
measure() {
  local start end cpu
  start=$(now)
  /usr/bin/time -f '%U %S' -o "$work/cpu" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  end=$(now)
  cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/cpu")
  echo "$(( (end - start) / 1000000 )) $cpu"
}

launchers=(this); [[ -n $other ]] && launchers+=(other)
launcher() { if [[ $1 == this ]]; then echo "$nais"; else echo "$other"; fi; }
for l in "${launchers[@]}"; do   # the first runs warm the file cache (and record a checkout's archive)
  "$(launcher "$l")" --help >/dev/null; "$(launcher "$l")" postgres psql demo-app -- -X -c 'select 1' >/dev/null
done
for (( i = 0; i < runs; i++ )); do
  for l in "${launchers[@]}"; do
    echo "$l-help $(measure "$(launcher "$l")" --help)"
    echo "$l-psql $(measure "$(launcher "$l")" postgres psql demo-app -- -X -c 'select 1')"
  done
  echo "direct $(PGPASSWORD="$token" measure psql "$direct" -X -c 'select 1')"
done > "$work/times"

# median <key> <column>: column 2 is wall ms, 3 is CPU ms
median() { awk -v k="$1" -v c="$2" '$1 == k {print $c}' "$work/times" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
psql_cpu=$(median direct 3)
printf '%-60s %8s %8s\n' "median of $runs interleaved runs" "wall ms" "CPU ms"
for l in "${launchers[@]}"; do
  help=$(median "$l-help" 2); psql_ms=$(median "$l-psql" 2)
  printf '%-60s %8d %8d\n' "$(launcher "$l") --help" "$help" "$(median "$l-help" 3)"
  printf '%-60s %8d %8d\n' "$(launcher "$l") postgres psql demo-app -- -c 'select 1'" "$psql_ms" \
    "$(( $(median "$l-psql" 3) - psql_cpu ))"
  awk -v p="$psql_ms" -v h="$help" 'BEGIN {printf "  ratio psql ÷ help: %.2fx (target ≤ 1.6x)\n", p / h}'
done
printf '%-60s %8d %8d\n' "psql directly over TLS (scale)" "$(median direct 2)" "$psql_cpu"
echo "CPU: user+system of the launch and what it waited for; a postgres psql launch's is less psql's own (the direct run's median)"
