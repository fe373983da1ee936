#!/usr/bin/env bash
# Page times on the default city (release build): each role's home twice (first = computed,
# second = from the 10-minute cache), the forecast meeting (/meeting, the month's accuracy) of the
# roles that have it, the retailer search and a retailer page.
# Usage: bench/pages/run.sh [DB_FILE]   (default /tmp/m135-bench-pages.db; generated when absent)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p m135
bin="${CARGO_TARGET_DIR:-target}/release/m135"
db="${1:-/tmp/m135-bench-pages.db}"
[ -f "$db" ] || "$bin" sim --database-url "sqlite:$db"
port=18199
"$bin" serve --allow-demo-passwords --database-url "sqlite:$db" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
jar=$(mktemp)
login() { rm -f "$jar"; curl -s -c "$jar" -b "$jar" -o /dev/null -H 'content-type: application/json' \
  -d "{\"username\":\"$1\",\"password\":\"m135demo\"}" "http://127.0.0.1:$port/api/v1/session"; }
t() { curl -s -b "$jar" -o /dev/null -w "%{time_total}" "http://127.0.0.1:$port$1"; }
printf '%-28s %10s %10s\n' page first_s cached_s
for u in kh0101 sc01 pp01 yxzx01; do
  login "$u"
  printf '%-28s %10s %10s\n' "home ($u)" "$(t /)" "$(t /)"
done
tl() { curl -s -L -b "$jar" -o /dev/null -w "%{time_total}" "http://127.0.0.1:$port$1"; }
for u in sc01 pp01 yxzx01; do
  login "$u"
  printf '%-28s %10s %10s\n' "meeting ($u)" "$(tl /meeting)" "$(tl /meeting)"
done
printf '%-28s %10s\n' "retailer search (q=张)" "$(t '/retailers?q=%E5%BC%A0')"
printf '%-28s %10s\n' "retailer page" "$(t /retailers/420301000001)"
uptime
