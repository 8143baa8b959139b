#!/usr/bin/env bash
# Backup throughput and memory (issue 7).
#   bench/backup-throughput.sh [SIZE_MB ...]      default: 1024 and 256
# For each size: a pgbench database of about SIZE_MB; in the same run, the
# baseline `pg_dump -Fc > /dev/null` and backup-service's own pipeline
# (pg_dump -Fc | age | SHA-256 | S3 multipart upload to a local s3proxy) in a
# JVM of its own. Prints wall times, their ratio (target >= 0.9) and the
# pipeline JVM's peak RSS (VmHWM; target < 300 MB, flat with size), and on
# stderr each backup's phases (connect, snapshot, upload-start, pg_dump-spawn,
# row-count, stream, pg_dump-exit, last-part, upload-complete, manifest) and the pipeline
# JVM's CPU time. BENCH_ROUNDS (default 3) alternating rounds, best of each.
# BENCH_BEFORE_CLASSES=<dir>: an earlier build of the pipeline's packages
# (crypto, dump, postgres, storage), measured in the same rounds (before_s), e.g.
#   git archive <rev> backup-service/src/main/java | tar -x -C /tmp/before && javac -d /tmp/before/classes \
#     -cp "$(cat bench/target/bench.classpath)" $(find /tmp/before/backup-service/src/main/java/io/nais/pg/backup/{crypto,dump,postgres,storage} -name '*.java')
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1024 256)
exec bench/run-main.sh -Dnais.child-jvm.tuning=throughput -Dbench.heap="${BENCH_HEAP:-160m}" -Dbench.rounds="${BENCH_ROUNDS:-3}" \
  -Dbench.before.classes="${BENCH_BEFORE_CLASSES:-}" io.nais.pg.bench.backup.BackupThroughput "${sizes[@]}"
