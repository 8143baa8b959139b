#!/usr/bin/env bash
# Cold start of the Kafka broker and of one PostgreSQL cluster, N runs (default 5),
# p50/max against same-run baselines. Usage: bench/infra-cold-start.sh [runs]
exec "$(dirname "$0")/run-main.sh" io.nais.pg.bench.InfraColdStart "${1:-5}"
