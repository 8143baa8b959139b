#!/usr/bin/env bash
# Events lost and effects duplicated when provisioning replicas fail mid-pass:
# local-platform's ProvisioningFaultsTest runs two packaged access-service
# provisioning replicas on one access database and one team cluster while team
# members are added, breaks one replica while its pass holds the cluster (a
# network split from its database at the worst moment, after the cluster changed
# and before the commit; then kill -9 and a restart), and counts, by event id,
# every member's role that no HumanRoleProvisioned announced (lost) and every
# role announced by more than one event (duplicated). Both must be 0; the test
# fails otherwise.
#
#   bench/chaos.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# -am: the services' packaged applications (target/quarkus-app) the test runs are built first
status=0
./mvnw -B -q -pl local-platform -am verify -Dtest=ProvisioningFaultsTest -Dsurefire.failIfNoSpecifiedTests=false -Dnais.test.faults=true || status=$?
grep -h '^chaos figures' local-platform/target/surefire-reports/io.nais.pg.local.ProvisioningFaultsTest-output.txt
exit "$status"
