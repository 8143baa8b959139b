#!/usr/bin/env bash
# Shared by the bench scripts: builds the bench module and the modules it uses
# (lib/bench-classpath.sh) and runs one of its mains on that classpath.
#
#   bench/run-main.sh [jvm options...] <main class> [args...]
#
# JVM options are the leading arguments that start with '-'.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench-classpath.sh
source bench/lib/bench-classpath.sh
jvm=()
while [[ $# -gt 0 && $1 == -* ]]; do jvm+=("$1"); shift; done
main="$1"; shift
bench_build
exec "${BENCH_JAVA[@]}" "${jvm[@]}" "$main" "$@"
