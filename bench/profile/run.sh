#!/usr/bin/env bash
# The database statements of one page, as a person meets it: a release server on DB_URL with
# statement logging (M135_LOG=sqlx=debug), the person signed in, each URL visited twice, and the
# second visit's statements slower than MIN_MS (default 0.8) listed with their time in seconds,
# then the page's whole time. The numbers behind the "per query" figures of the load work.
# Usage: bench/profile/run.sh DB_URL USERNAME URL…   (password PASSWORD=m135demo, port 18300)
#   e.g. bench/profile/run.sh sqlite:/tmp/m135-bench-load.db kh0101 /api/v1/cycle/CTY01/2026-12
#        bench/profile/run.sh postgres://postgres@127.0.0.1:5432/m135_load sc01 /forecasts/2027-01
# The database must hold a city (bench/load/run.sh leaves both of these behind).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -ge 3 ] || { sed -n '2,9p' "$0"; exit 2; }
db="$1" user="$2"
shift 2
cargo build --release -q -p m135
bin="${CARGO_TARGET_DIR:-target}/release/m135"
port="${PORT:-18300}"
min="${MIN_MS:-0.8}"
log=$(mktemp)
jar=$(mktemp)
M135_LOG=sqlx=debug,info "$bin" serve --allow-demo-passwords --database-url "$db" \
  --listen "127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log" "$jar"' EXIT
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
curl -sf -c "$jar" -H 'content-type: application/json' \
  -d "{\"username\":\"$user\",\"password\":\"${PASSWORD:-m135demo}\"}" \
  "http://127.0.0.1:$port/api/v1/session" >/dev/null
for url in "$@"; do
  curl -s -b "$jar" -o /dev/null "http://127.0.0.1:$port$url"
  sleep 0.2
  from=$(($(wc -l <"$log") + 1))
  t=$(curl -s -b "$jar" -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$url")
  sleep 0.2
  echo "== $user $url: ${t} s (second visit)"
  tail -n "+$from" "$log" | grep -o 'summary="[^"]*".*elapsed_secs=[0-9.e-]*' |
    sed 's/ db.statement=.*elapsed_secs=/ /' |
    awk -v min="$min" '{ if ($NF * 1000 > min) print }' | cut -c1-160
done
