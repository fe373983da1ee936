#!/usr/bin/env bash
# Load on the default demo city (release build): everyone on the staff list signed in, browsing
# their own menu's pages and API at RATE requests/s in all, open loop (a fixed send schedule,
# latency from the scheduled send time: no coordinated omission), WARMUP s not counted then
# DURATION s measured; then the closed-loop capacity of the same mix with CONCURRENCY
# connections for CAPACITY_SECS s. Twice: on the whole menu ("menu"), then without the menu
# links in SKIP ("light"; default /cycle,/meeting,/method135, the pages costing 0.1–7 s each
# when the 100 requests/s target was set). On SQLite, then on PostgreSQL (the same generator, seed and
# defaults: the same city). The load generator is crates/web/examples/loadgen.rs (its header
# says how the mix is drawn); its per-role and per-path report and the slowest requests go to
# the terminal and to /tmp/m135-bench-load-<backend>.txt, the summary table comes last.
# Target: p99 ≤ 50 ms and no errors at 100 requests/s.
# Usage: bench/load/run.sh [BACKENDS]   (default "sqlite postgres"; RATE=100 WARMUP=10
#        DURATION=30 CONCURRENCY=32 CAPACITY_SECS=20; PG_URL=postgres://postgres@127.0.0.1:5432;
#        the city is generated once into /tmp/m135-bench-load-city.db and the PostgreSQL
#        database m135_load_city, each run serves a fresh copy)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p m135
cargo build --release -q -p web --example loadgen
bin="${CARGO_TARGET_DIR:-target}/release/m135"
gen="${CARGO_TARGET_DIR:-target}/release/examples/loadgen"
backends="${1:-sqlite postgres}"
export PGOPTIONS=--client-min-messages=warning # no NOTICE of DROP … IF EXISTS
pg="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
rate="${RATE:-100}"
skip="${SKIP:-/cycle,/meeting,/method135}"
city=/tmp/m135-bench-load-city.db
work=/tmp/m135-bench-load.db
port=18198
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; true' EXIT
rows=$(mktemp)

for backend in $backends; do
  if [ "$backend" = sqlite ]; then
    [ -f "$city" ] || M135_LOG=error "$bin" sim --database-url "sqlite:$city" >/dev/null
    rm -f "$work" "$work-wal" "$work-shm"
    cp "$city" "$work"
    db="sqlite:$work"
  else
    if ! psql "$pg/m135_load_city" -tAc 'SELECT 1 FROM retailer LIMIT 1' 2>/dev/null | grep -q 1; then
      psql "$pg/postgres" -qc 'DROP DATABASE IF EXISTS m135_load_city' >/dev/null
      psql "$pg/postgres" -qc 'CREATE DATABASE m135_load_city' >/dev/null
      M135_LOG=error "$bin" sim --database-url "$pg/m135_load_city" >/dev/null
    fi
    psql "$pg/postgres" -qc 'DROP DATABASE IF EXISTS m135_load' >/dev/null
    psql "$pg/postgres" -qc 'CREATE DATABASE m135_load TEMPLATE m135_load_city' >/dev/null
    db="$pg/m135_load"
  fi
  "$bin" serve --allow-demo-passwords --database-url "$db" --listen "127.0.0.1:$port" >"/tmp/m135-bench-load-serve-$backend.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  "$gen" --url "http://127.0.0.1:$port" --label "$backend" --rate "$rate" \
    --warmup "${WARMUP:-10}" --duration "${DURATION:-30}" \
    --concurrency "${CONCURRENCY:-32}" --capacity-secs "${CAPACITY_SECS:-20}" --skip "$skip" \
    2> >(tee "/tmp/m135-bench-load-$backend.txt" >&2) >>"$rows"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=
done

echo
printf '%-16s %6s %8s %6s %8s %8s %8s %8s | %12s %6s\n' \
  backend "req/s" requests errors p50_ms p90_ms p99_ms max_ms capacity_rps errors
while read -r label r n e p50 p90 p99 max cap cerr; do
  printf '%-16s %6s %8s %6s %8s %8s %8s %8s | %12s %6s\n' "$label" "$r" "$n" "$e" "$p50" "$p90" "$p99" "$max" "$cap" "$cerr"
done <"$rows"
echo "(open loop at ${rate} requests/s for ${DURATION:-30} s; capacity: ${CONCURRENCY:-32} connections, closed loop, ${CAPACITY_SECS:-20} s; light = without $skip)"
uptime
