#!/usr/bin/env bash
# Runs the latency benchmark with the open-file limit raised (10,000+ sockets on each side).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec ./node_modules/.bin/bun bench/latency.ts "$@"
