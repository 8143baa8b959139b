#!/usr/bin/env bash
# Sourced by the bench scripts: builds the bench module with the modules it uses, in one
# reactor (the services are packaged too: a benchmark that drives a service runs its
# target/quarkus-app), and sets BENCH_CP, the classpath of the bench mains:
#   bench/target/classes, the bench module's dependencies (the modules of this checkout
#   as their jars and test-jars under */target, so nothing needs to be installed first);
# and BENCH_JAVA, the command that runs one of them (JVM options may follow it).
# Maven options (e.g. MAVEN_ARGS=-o for an offline build) come from the environment;
# BENCH_BUILD=0 reuses the last build (several benchmarks in a row).
#
#   bench_build; "${BENCH_JAVA[@]}" [jvm options...] io.nais.pg.bench.<main> ...

bench_build() {
  local root
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  [[ ${BENCH_BUILD:-1} == 0 && -f $root/bench/target/bench.classpath ]] || (cd "$root" && ./mvnw -B -q -pl bench -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=runtime >/dev/null)
  BENCH_CP="$root/bench/target/classes:$(cat "$root/bench/target/bench.classpath")"
  # jboss-logmanager is on that class path and serves System.Logger (pgjdbc, the test
  # platform's components); without being JUL's manager too it prints an ERROR per JVM
  BENCH_JAVA=(java -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$BENCH_CP")
}
