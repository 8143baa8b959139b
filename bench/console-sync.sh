#!/usr/bin/env bash
# console-sync-service speed, end to end: real Kafka, the service's real PostgreSQL,
# the test-support OIDC issuer, the fabric8 Kubernetes API mock server (CRUD mode)
# and the packaged service in its own JVM. Each figure is printed next to a baseline
# measured in the same run (see io.nais.pg.console.bench.ConsoleSyncBench):
#   - sync lag, postgresql resource created/updated -> visible in GET /api/teams/{team}/postgres,
#     p50/p99 over <changes> (target p99 < 1 s), against a bare Kafka round trip, one API
#     read, and a ClusterDiscovered published straight to Kafka -> visible in the API;
#   - <clusters> clusters in GET /api/postgres (one page, pages of 500, pages of 100):
#     time and bytes against a 20-cluster page.
#
#   bench/console-sync.sh [changes=200] [clusters=2000] [reads=20]
#
# Uses console-sync-service/target/quarkus-app as built; set PACKAGE=1 to package it first.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHANGES=${1:-200}
CLUSTERS=${2:-2000}
READS=${3:-20}
WORK=$(mktemp -d /tmp/console-bench.XXXXXX)
chmod 755 "$WORK"   # PostgreSQL runs as an unprivileged user and keeps its data under the temp dir
cd "$ROOT/console-sync-service"
if [[ ${PACKAGE:-0} == 1 || ! -f target/quarkus-app/quarkus-run.jar ]]; then
  ../mvnw -B -q -o package -DskipTests
else
  ../mvnw -B -q -o test-compile
fi
../mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test >/dev/null
# private copies: another build of the module may rewrite target/ while the bench runs
cp -r target/classes "$WORK/classes"; cp -r target/test-classes "$WORK/test-classes"; cp -r target/quarkus-app "$WORK/quarkus-app"
trap 'rm -rf "$WORK/classes" "$WORK/test-classes" "$WORK/quarkus-app"' EXIT
java -Xmx512m -Djava.io.tmpdir="$WORK" -cp "$WORK/test-classes:$WORK/classes:$(cat "$WORK/cp")" \
  io.nais.pg.console.bench.ConsoleSyncBench "$WORK/quarkus-app/quarkus-run.jar" "$CHANGES" "$CLUSTERS" "$READS"
