#!/usr/bin/env bash
# Events lost and effects duplicated under faults; both must be 0, the tests fail otherwise.
#
# local-platform's ProvisioningFaultsTest: two packaged access-service
# provisioning replicas on one access database and one team cluster while team
# members are added; one replica breaks while its pass holds the cluster (a
# network split from its database at the worst moment, after the cluster changed
# and before the commit; then kill -9 and a restart). Counted by event id: every
# member's role that no HumanRoleProvisioned announced (lost) and every role
# announced by more than one event (duplicated). The same split while members
# are removed, on a team whose events the split replica consumes: every dropped
# role announced by exactly one HumanRoleRemoved, and no membership event
# dead-lettered because the replica's database went away.
#
# local-platform's ChaosBurstTest (issue 23's "chaos in a burst"): on
# bin/local-platform up --replicas 2 --brokers 3, while 2,000 membership events
# and 200 DBA grants (requested and approved through the dba-grant REST API)
# flow, kill -9 of one replica of every service and of one broker, then all of
# them started again. Every cluster must hold exactly the desired roles, every
# grant end within the failover bound, no effect lost or doubled (roles, grant
# events, audit rows, counted by event id) and every audit chain verify.
# Smaller runs: CHAOS_OPTS='-Dnais.chaos.membership-events=200 -Dnais.chaos.grants=20'.
#
#   bench/chaos.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# -am: the services' packaged applications (target/quarkus-app) the tests run are built first
status=0
# shellcheck disable=SC2086 # CHAOS_OPTS: several -D options
./mvnw -B -q -pl local-platform -am verify -Dtest='ProvisioningFaultsTest,ChaosBurstTest' \
    -Dsurefire.failIfNoSpecifiedTests=false -Dnais.test.faults=true ${CHAOS_OPTS:-} || status=$?
grep -h '^chaos figures' local-platform/target/surefire-reports/io.nais.pg.local.ProvisioningFaultsTest-output.txt \
    local-platform/target/surefire-reports/io.nais.pg.local.ChaosBurstTest-output.txt
exit "$status"
