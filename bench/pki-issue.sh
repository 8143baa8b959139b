#!/usr/bin/env bash
# µs per client certificate issued (the gateway's per-login cost) against the
# key-generation floor. Usage: bench/pki-issue.sh [iterations]
exec "$(dirname "$0")/run-main.sh" io.nais.pg.bench.PkiIssue "${1:-5000}"
