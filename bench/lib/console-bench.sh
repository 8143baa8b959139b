#!/usr/bin/env bash
# Sourced by the console-sync-service benchmarks: runs one of the bench mains against a
# private copy of the packaged service, so another build of the module may rewrite
# target/ while the bench runs.
#
#   console_bench_run <name> <main class> [args...]
#
# Builds the bench module with the modules it uses, packaging the service (bench-classpath.sh).
# shellcheck source=bench-classpath.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-classpath.sh"

console_bench_run() {
  local name=$1 main=$2; shift 2
  local root work
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  work=$(mktemp -d "/tmp/$name.XXXXXX")
  chmod 755 "$work"   # PostgreSQL runs as an unprivileged user and keeps its data under the temp dir
  bench_build
  cp -r "$root/console-sync-service/target/quarkus-app" "$work/quarkus-app"
  # shellcheck disable=SC2064  # expand $work now: it is local to this function
  trap "rm -rf '$work/quarkus-app'" EXIT
  "${BENCH_JAVA[@]}" -Xmx512m -Dnais.child-jvm.tuning=throughput -Djava.io.tmpdir="$work" \
    "$main" "$work/quarkus-app/quarkus-run.jar" "$@"
}
