#!/usr/bin/env bash
# Issue 5's speed target: the model forecast and the balancing for the whole default demo city
# (10 000 retailers, 36 months of orders) in ≤ 60 s, release build. Each run starts from a
# fresh copy of the generated city, then drives the month: model → submit → balance → publish.
# Usage: bench/month/run.sh [RUNS]   (default 3; the city is generated once into /tmp)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p m135
bin=target/release/m135
city=/tmp/m135-bench-month-city.db
work=/tmp/m135-bench-month.db
[ -f "$city" ] || "$bin" sim --database-url "sqlite:$city" >/dev/null
for i in $(seq 1 "${1:-3}"); do
  rm -f "$work" "$work-wal" "$work-shm"
  cp "$city" "$work"
  echo "run $i:"
  M135_LOG=error "$bin" month run --database-url "sqlite:$work" --until publish
done
uptime
