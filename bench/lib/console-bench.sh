#!/usr/bin/env bash
# Sourced by the console-sync-service benchmarks: runs one of the module's bench mains
# (test sources) against private copies of the packaged service, so another build of
# the module may rewrite target/ while the bench runs.
#
#   console_bench_run <name> <main class> [args...]
#
# Uses console-sync-service/target/quarkus-app as built; PACKAGE=1 packages it first.
console_bench_run() {
  local name=$1 main=$2; shift 2
  local root work
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  work=$(mktemp -d "/tmp/$name.XXXXXX")
  chmod 755 "$work"   # PostgreSQL runs as an unprivileged user and keeps its data under the temp dir
  cd "$root/console-sync-service"
  if [[ ${PACKAGE:-0} == 1 || ! -f target/quarkus-app/quarkus-run.jar ]]; then
    ../mvnw -B -q -o package -DskipTests
  else
    ../mvnw -B -q -o test-compile
  fi
  ../mvnw -B -q -o dependency:build-classpath -Dmdep.outputFile="$work/cp" -Dmdep.includeScope=test >/dev/null
  cp -r target/classes "$work/classes"; cp -r target/test-classes "$work/test-classes"; cp -r target/quarkus-app "$work/quarkus-app"
  # shellcheck disable=SC2064  # expand $work now: it is local to this function
  trap "rm -rf '$work/classes' '$work/test-classes' '$work/quarkus-app'" EXIT
  java -Xmx512m -Dnais.child-jvm.tuning=throughput -Djava.io.tmpdir="$work" -cp "$work/test-classes:$work/classes:$(cat "$work/cp")" \
    "$main" "$work/quarkus-app/quarkus-run.jar" "$@"
}
