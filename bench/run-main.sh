#!/usr/bin/env bash
# Shared by the bench scripts: builds the bench module (its upstream modules
# must be installed: ./mvnw -pl pki,test-support/runtimes/kafka,test-support install -DskipTests)
# and runs one of its mains with the module's runtime classpath.
set -euo pipefail
cd "$(dirname "$0")/.."
main="$1"; shift
./mvnw -B -q -f bench/pom.xml package -DskipTests
./mvnw -B -q -f bench/pom.xml dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >/dev/null
exec java -cp "bench/target/classes:$(cat bench/target/bench.classpath)" "$main" "$@"
