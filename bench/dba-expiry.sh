#!/usr/bin/env bash
# Expiry precision, both halves, N grants (default 1000) whose expiresAt fall in
# the same second; each part prints its figures next to a 10-grant baseline
# from the same run:
#  1. dba-grant-service, the packaged service: lateness of GrantExpired (its
#     timer, and on Kafka) (io.nais.pg.bench.dbagrant.DbaExpiryBench);
#  2. access-service, the packaged service on its own deadline timer: lateness
#     of the role being NOSUPERUSER in the cluster and of the DBA's open session
#     (one real TLS session per grant) being terminated, over C clusters
#     (io.nais.pg.bench.access.GrantExpiryBench).
#
#   bench/dba-expiry.sh [grants=1000] [clusters=10] [parts=both|grant-service|access-service]
set -euo pipefail
cd "$(dirname "$0")/.."
GRANTS=${1:-1000}
CLUSTERS=${2:-10}
PARTS=${3:-both}
if [[ "$PARTS" != access-service ]]; then
  bench/run-main.sh -Dnais.child-jvm.tuning=throughput io.nais.pg.bench.dbagrant.DbaExpiryBench \
    "$PWD/dba-grant-service/target/quarkus-app/quarkus-run.jar" "$GRANTS"
  export BENCH_BUILD=0   # built once for both parts
fi
if [[ "$PARTS" != grant-service ]]; then
  bench/run-main.sh -Dnais.child-jvm.tuning=throughput io.nais.pg.bench.access.GrantExpiryBench \
    "$PWD/access-service/target/quarkus-app/quarkus-run.jar" "$GRANTS" "$CLUSTERS"
fi
