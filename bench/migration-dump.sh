#!/usr/bin/env bash
# Dump-mode migration throughput (issue 10).
#   bench/migration-dump.sh [SIZE_MB]      default: 1024
# Two throwaway clusters; a pgbench database of about SIZE_MB on the source.
# In the same run: a plain `pg_dump -Fc | pg_restore --no-owner` (twice, before
# and after), and `nais postgres migrate` dump mode (plan + streamed copy,
# restored as the application role). Prints both wall times, the throughput
# ratio (target >= 0.9) and the verification time separately.
# Needs migration, test-support and pki installed:
#   ./mvnw -B -q -pl migration,test-support -am install -DskipTests
set -euo pipefail
exec "$(dirname "$0")/run-main.sh" io.nais.pg.bench.MigrationDump "${1:-1024}"
