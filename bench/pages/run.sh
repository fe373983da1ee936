#!/usr/bin/env bash
# Page times as users meet them (issue 13 ⑥): the default city, release build, a fresh start with
# the role homes' cache switched off (--cache-secs 0); every active person signs in and opens each
# page of their menu once (plus the forecast meeting and, for the roll-up roles, last month's
# month close), then the API twin of each page. Prints the 50th/95th percentile over all those
# first visits and the ten slowest (role, path); the per-path table goes to stderr.
#
# Usage: bench/pages/run.sh [sqlite|postgres]...   (default: sqlite)
#   sqlite: the city in /tmp/m135-bench-pages.db (generated when absent)
#   postgres: database m135_bench_pages on 127.0.0.1:5432 (generated when empty)
set -euo pipefail
cd "$(dirname "$0")/../.."
backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite)
cargo build --release -q -p m135 --bin m135
cargo build --release -q -p web --example loadgen
target="${CARGO_TARGET_DIR:-target}"
bin="$target/release/m135"
gen="$target/release/examples/loadgen"
port=18199
for backend in "${backends[@]}"; do
  case "$backend" in
    sqlite)
      url="sqlite:/tmp/m135-bench-pages.db"
      [ -f /tmp/m135-bench-pages.db ] || "$bin" sim --database-url "$url" >/dev/null
      ;;
    postgres)
      url="postgres://postgres@127.0.0.1:5432/m135_bench_pages"
      psql -h 127.0.0.1 -U postgres -qtc "SELECT 1 FROM pg_database WHERE datname='m135_bench_pages'" | grep -q 1 \
        || { psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE m135_bench_pages"; "$bin" sim --database-url "$url" >/dev/null; }
      ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
  esac
  "$bin" serve --allow-demo-passwords --cache-secs 0 --database-url "$url" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 1500); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  echo "== $backend"
  "$gen" --url "http://127.0.0.1:$port" --label "$backend" --pages-only 2>"/tmp/m135-bench-pages-$backend.log" || {
    kill "$pid"; cat "/tmp/m135-bench-pages-$backend.log" >&2; exit 1; }
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "(per path: /tmp/m135-bench-pages-$backend.log)"
done
uptime
