#!/usr/bin/env bash
# Provisioning speed of access-service, end to end: real Kafka, the packaged
# service in its own JVM, real PostgreSQL clusters, real TLS client-certificate
# logins. Prints each figure next to a direct-SQL baseline measured in the same
# run (see io.nais.pg.bench.access.ProvisioningBench).
#
#   bench/access-provisioning.sh [events=200] [clusters=50] [members-per-cluster=40]
#
# Bulk prints (a) the time to publish every event (sent asynchronously, one
# flush), (b) first publish -> the last role announced (HumanRoleProvisioned on
# the access topic; every cluster is then checked to hold every role), (c) the
# direct-SQL baseline, and the ratio (b)/(c). Phase timings of the service
# (per membership batch and per cluster pass) go to the service log with
# BENCH_OPTS=-Dbench.trace=true.
#
# The main is in the bench module (run-main.sh builds it and packages the service,
# so the bench runs the real artifact).
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-200}
CLUSTERS=${2:-50}
PER_CLUSTER=${3:-40}
# shellcheck disable=SC2086  # BENCH_OPTS: JVM options, word-split on purpose
exec bench/run-main.sh -Dnais.child-jvm.tuning=throughput ${BENCH_OPTS:-} io.nais.pg.bench.access.ProvisioningBench \
  "$PWD/access-service/target/quarkus-app/quarkus-run.jar" "$EVENTS" "$CLUSTERS" "$PER_CLUSTER"
