#!/usr/bin/env bash
# Produce → consume round trip through EventCodec vs a raw byte[] of the same
# size, on a real Kafka broker started by test-support. Prints p50/p99 and the
# ratio codec/raw. Usage: bench/codec-roundtrip.sh [events per path, default 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -f bench/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
exec java -Xmx512m -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
    io.nais.pg.bench.CodecRoundTrip "${1:-2000}"
