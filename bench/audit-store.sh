#!/usr/bin/env bash
# console-sync-service's audit store, end to end against the packaged service with
# real Kafka and PostgreSQL (io.nais.pg.console.bench.AuditBench), each figure next to
# a baseline from the same run:
#   - fold rate: <events> StatementExecuted (audit row + hash-chain link) vs <events>
#     TeamMemberAdded (one upsert), both through the same consumer machinery;
#   - GET /api/audit/verify over the <events>-row chain vs one 100-line audit page.
#
#   bench/audit-store.sh [events=5000]
#
# Uses console-sync-service/target/quarkus-app as built; set PACKAGE=1 to package it first.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVENTS=${1:-5000}
WORK=$(mktemp -d /tmp/audit-bench.XXXXXX)
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
  io.nais.pg.console.bench.AuditBench "$WORK/quarkus-app/quarkus-run.jar" "$EVENTS"
