#!/usr/bin/env bash
# console-sync-service speed, end to end: real Kafka, the service's real PostgreSQL,
# the test-support OIDC issuer, the fabric8 Kubernetes API mock server (CRUD mode)
# and the packaged service in its own JVM. Each figure is printed next to a baseline
# measured in the same run (see io.nais.pg.bench.console.ConsoleSyncBench):
#   - sync lag, postgresql resource created/updated -> visible in GET /api/teams/{team}/postgres,
#     p50/p99 over <changes> (target p99 < 1 s), against a bare Kafka round trip, one API
#     read, and a ClusterDiscovered published straight to Kafka -> visible in the API;
#   - <clusters> clusters in GET /api/postgres (one page, pages of 500, pages of 100):
#     time and bytes against a 20-cluster page.
#
#   bench/console-sync.sh [changes=200] [clusters=2000] [reads=20]
#
# Packages the service and builds the bench module first (bench/lib/console-bench.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHANGES=${1:-200}
CLUSTERS=${2:-2000}
READS=${3:-20}
# shellcheck source=lib/console-bench.sh
source "$ROOT/bench/lib/console-bench.sh"
console_bench_run console-bench io.nais.pg.bench.console.ConsoleSyncBench "$CHANGES" "$CLUSTERS" "$READS"
