#!/usr/bin/env bash
# console-sync-service's audit store, end to end against the packaged service with
# real Kafka and PostgreSQL (io.nais.pg.bench.console.AuditBench), each figure next to
# a baseline from the same run:
#   - fold rate: <events> StatementExecuted (audit row + hash-chain link) vs <events>
#     TeamMemberAdded (one upsert), both through the same consumer machinery, each with
#     its CPU ms per event from /proc: the service, its database, the bench JVM (broker and
#     producer) and the whole machine;
#   - GET /api/audit/verify over the <events>-row chain vs one 100-line audit page.
#
#   bench/audit-store.sh [events=5000]
#
# Packages the service and builds the bench module first (bench/lib/console-bench.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
EVENTS=${1:-5000}
# shellcheck source=lib/console-bench.sh
source "$ROOT/bench/lib/console-bench.sh"
console_bench_run audit-bench io.nais.pg.bench.console.AuditBench "$EVENTS"
