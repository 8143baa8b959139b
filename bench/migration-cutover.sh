#!/usr/bin/env bash
# Replicate-mode cut-over pause (issue 10).
#   bench/migration-cutover.sh [SIZE_MB]      default: 1024
# A pgbench database of about SIZE_MB on a wal_level=logical source with
# pgbench writing (200 tps) while `migrate --mode replicate` sets up and
# catches up; then writes stop and `--cutover` runs. Prints the pause from
# writes stopped to target ready (target < 10 s) and the verification after it.
# Needs migration, test-support and pki installed (see migration-dump.sh).
set -euo pipefail
exec "$(dirname "$0")/run-main.sh" io.nais.pg.bench.MigrationCutover "${1:-1024}"
