#!/usr/bin/env bash
# Expiry precision of dba-grant-service: N grants (default 1000) whose
# expiresAt fall in the same second, the service's own timer, real PostgreSQL
# and Kafka. Prints p50/p99 lateness of GrantExpired (timer and on Kafka) next
# to a 10-grant baseline from the same run (io.nais.pg.dbagrant.bench.DbaExpiryBench).
#
#   bench/dba-expiry.sh [grants=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
GRANTS=${1:-1000}
./mvnw -B -q -pl dba-grant-service test -Dtest=DbaExpiryBench -Dbench=true -Dbench.grants="$GRANTS" \
  -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
cat dba-grant-service/target/dba-expiry-bench.txt
