#!/usr/bin/env bash
# Issue 5's speed target: the model forecast and the balancing for the whole default demo city
# (10 000 retailers, 36 months of orders) in ≤ 60 s, release build. Each run starts from a
# fresh copy of the generated city, then drives the month: model → submit → balance → publish.
# After the last run, the forecast page of that month is timed per role (first load after start).
# Usage: bench/month/run.sh [RUNS]   (default 3; the city is generated once into /tmp)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p m135
bin=target/release/m135
city=/tmp/m135-bench-month-city.db
work=/tmp/m135-bench-month.db
# --history-months 0: the month run below then starts from a city without forecasts, as it always has.
[ -f "$city" ] || "$bin" sim --database-url "sqlite:$city" --history-months 0 >/dev/null
out=$(mktemp)
for i in $(seq 1 "${1:-3}"); do
  rm -f "$work" "$work-wal" "$work-shm"
  cp "$city" "$work"
  echo "run $i:"
  M135_LOG=error "$bin" month run --database-url "sqlite:$work" --until publish | tee "$out"
done
month=$(grep -o '预测月 [0-9-]*' "$out" | cut -d' ' -f2)
port=18196
"$bin" serve --allow-demo-passwords --database-url "sqlite:$work" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
jar=$(mktemp)
printf '%-34s %8s %8s\n' "forecast page /forecasts/$month" first_s again_s
for u in yxzx01 sc01 kh0101; do
  rm -f "$jar"
  curl -s -c "$jar" -b "$jar" -o /dev/null -H 'content-type: application/json' \
    -d "{\"username\":\"$u\",\"password\":\"m135demo\"}" "http://127.0.0.1:$port/api/v1/session"
  t() { curl -s -b "$jar" -o /dev/null -w "%{time_total}" "http://127.0.0.1:$port/forecasts/$month"; }
  printf '%-34s %8s %8s\n' "  $u" "$(t)" "$(t)"
done
uptime
