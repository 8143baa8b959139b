#!/usr/bin/env bash
# The rolling-restart drill (issue 23), kept out of `./mvnw -B verify` for CI time: on
# `bin/local-platform up --replicas 2 --brokers 3`, every replica of every service is
# SIGTERM'd and started again one at a time while pgjdbc clients log in through both
# gateways; no login may fail after one retry on the other gateway, and a session held on
# each restarted gateway survives its drain and then ends with 57P01. Prints the logins per
# phase and the first attempts that needed a retry.
#
#   bench/rolling-restart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q package -DskipTests
./mvnw -B -q -pl local-platform -am verify -Dquarkus.build.skip=true -Dtest=ReplicatedPlatformTest \
  -Dsurefire.failIfNoSpecifiedTests=false -Dnais.test.rolling-restart=true
grep -h "rolling restart:" local-platform/target/surefire-reports/io.nais.pg.local.ReplicatedPlatformTest-output.txt
