#!/usr/bin/env bash
# Sourced by the bench scripts: builds the bench module with the modules it uses, in one
# reactor (the services are packaged too: a benchmark that drives a service runs its
# target/quarkus-app), and sets BENCH_CP, the classpath of the bench mains:
#   bench/target/classes, the bench module's dependencies (the modules of this checkout
#   as their jars and test-jars under */target, so nothing needs to be installed first).
# Maven options (e.g. MAVEN_ARGS=-o for an offline build) come from the environment;
# BENCH_BUILD=0 reuses the last build (several benchmarks in a row).
#
#   bench_build; java -cp "$BENCH_CP" io.nais.pg.bench.<main> ...

bench_build() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  [[ ${BENCH_BUILD:-1} == 0 && -f $root/bench/target/bench.classpath ]] || (cd "$root" && ./mvnw -B -q -pl bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >/dev/null)
  BENCH_CP="$root/bench/target/classes:$(cat "$root/bench/target/bench.classpath")"
}
