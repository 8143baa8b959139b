#!/usr/bin/env bash
# Failover on the local platform with two replicas of every service and three Kafka brokers
# (`bin/local-platform up --replicas 2 --brokers 3`), issue 23:
#   1. failover time: kill -9 of the access-service provisioning replica that consumes team-a's
#      membership partition, then a new member of team-a: time from the kill to the member's first
#      successful login through a gateway, p50 and max over <kills> kills (the killed replica is
#      started again between kills); baseline, interleaved: the same with no kill;
#   2. revocation latency across replicas: a member with a psql session on each gateway replica is
#      removed; time from TeamMemberRemoved's ack until both sessions have ended, p50/p99 over
#      <revocations>; baseline, interleaved: both sessions on one gateway replica.
#
#   bench/failover.sh [kills=5] [revocations=50]
#
# Needs the packaged services and cli/target/nais/bin/nais (build only what is
# missing: ./mvnw -B -q -pl <module> package -DskipTests).
set -euo pipefail

KILLS=${1:-5}
REVOCATIONS=${2:-50}
# shellcheck source=lib/local-platform.sh
source "$(dirname "$0")/lib/local-platform.sh"

platform_start --replicas 2 --brokers 3
log "measuring: $KILLS kills, $REVOCATIONS revocations (results: $WORK/failover.txt)"
"$ROOT/bench/run-main.sh" io.nais.pg.bench.Failover "$STATE/platform.env" "$KILLS" "$REVOCATIONS" | tee "$WORK/failover.txt"
