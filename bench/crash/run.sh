#!/usr/bin/env bash
# Crash safety: `kill -9` the server in the middle of a long write, restart it, and check that the
# database holds the write whole or not at all. Three operations, each on a fresh copy of the
# default demo city made ready once (`m135 month run --until balance`: the month T being
# forecast now has its forecasts submitted and a DRAFT balancing run), as yxzx01 over the API:
#   model   — POST /api/v1/forecasts/{T+1}/model?wait=true (the company-wide model forecast of a
#             month without forecasts yet)
#   publish — POST /api/v1/balance/{T}/publish (the draft run published)
#   supply  — PUT /api/v1/supply/{T+1} (every SKU's supply of a month without any; the Excel
#             upload ends in the same write, app::balancing::set_supply)
# Each operation first runs once uncrashed: its duration sets the kill window (a moment drawn
# uniformly in [0, 1.1 × duration] after the request is sent, in [0.6, 1.1 × duration] for the
# even iterations) and its outcome the "all" counts.
# After the kill the server is started again on the same database (SQLite recovers its WAL), must
# answer /healthz and a signed-in page, is stopped, and the invariants are checked:
#   model   — forecasts of T+1: none, or exactly the reference count, all method MODEL with a
#             model figure; audit "forecast.model_run" 0 or 1 with them; month_job 0 or 1 with them
#             (month_job is written after the forecasts' commit: a kill between the two would show)
#   publish — balance_run of T DRAFT with no forecast of T PUBLISHED and every balanced one still
#             SUBMITTED, or PUBLISHED with every forecast that has a balance line PUBLISHED with
#             balanced_qty = final_qty; audit "balance.publish" 0 or 1 with it
#   supply  — supply_plan of T+1: no row, or every SKU with the quantity sent; audit "supply.put"
#             rows as many as supply rows
#   SQLite also: PRAGMA integrity_check = ok, PRAGMA foreign_key_check empty.
# One PASS/FAIL line per iteration, then the tally; exit 1 on any FAIL.
# Usage: bench/crash/run.sh [N] [BACKENDS]   (default 5, "sqlite postgres"; the city and the
#        prepared copies are made once into /tmp and PostgreSQL databases m135_crash_* (from
#        bench/load/run.sh's m135_load_city when present);
#        PG_URL=postgres://postgres@127.0.0.1:5432 by default; SEED for the kill moments)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p m135
bin="${CARGO_TARGET_DIR:-target}/release/m135"
n="${1:-5}"
backends="${2:-sqlite postgres}"
export PGOPTIONS=--client-min-messages=warning # no NOTICE of DROP … IF EXISTS
pg="${PG_URL:-postgres://postgres@127.0.0.1:5432}"
RANDOM="${SEED:-135}"
city=/tmp/m135-bench-load-city.db
base=/tmp/m135-crash-base.db
work=/tmp/m135-crash-work.db
port=18197
url="http://127.0.0.1:$port"
jar=$(mktemp)
log=/tmp/m135-crash-serve.log
pid=
trap '[ -n "$pid" ] && kill -9 $pid 2>/dev/null; true' EXIT

[ -f "$city" ] || M135_LOG=error "$bin" sim --database-url "sqlite:$city" >/dev/null

# The month being forecast now: from the demo city's clock-free data, as `month run` finds it.
prepare_sqlite() {
  if [ ! -f "$base" ] || [ ! -f "$base.month" ]; then
    rm -f "$base" "$base-wal" "$base-shm" "$base.month"
    cp "$city" "$base"
    M135_LOG=error "$bin" month run --database-url "sqlite:$base" --until balance >"$base.log"
    grep -o '预测月 [0-9-]*' "$base.log" | cut -d' ' -f2 >"$base.month"
  fi
  T=$(cat "$base.month")
}
prepare_postgres() {
  if ! psql "$pg/m135_crash_base" -tAc 'SELECT month FROM balance_run WHERE state = $$DRAFT$$' 2>/dev/null | grep -q .; then
    psql "$pg/postgres" -qc 'DROP DATABASE IF EXISTS m135_crash_base' >/dev/null
    # bench/load/run.sh's city when there is one (a copy is quicker than generating it again).
    if psql "$pg/m135_load_city" -tAc 'SELECT 1 FROM retailer LIMIT 1' 2>/dev/null | grep -q 1; then
      psql "$pg/postgres" -qc 'CREATE DATABASE m135_crash_base TEMPLATE m135_load_city' >/dev/null
    else
      psql "$pg/postgres" -qc 'CREATE DATABASE m135_crash_base' >/dev/null
      M135_LOG=error "$bin" sim --database-url "$pg/m135_crash_base" >/dev/null
    fi
    M135_LOG=error "$bin" month run --database-url "$pg/m135_crash_base" --until balance >/dev/null
  fi
  T=$(psql "$pg/m135_crash_base" -tAc 'SELECT month FROM balance_run WHERE state = $$DRAFT$$')
}

fresh() { # a working copy of the prepared city → $db
  if [ "$backend" = sqlite ]; then
    rm -f "$work" "$work-wal" "$work-shm"
    cp "$base" "$work"
    db="sqlite:$work"
  else
    psql "$pg/postgres" -qc 'DROP DATABASE IF EXISTS m135_crash_work' >/dev/null
    psql "$pg/postgres" -qc 'CREATE DATABASE m135_crash_work TEMPLATE m135_crash_base' >/dev/null
    db="$pg/m135_crash_work"
  fi
}
q() { # one value from the working database
  if [ "$backend" = sqlite ]; then sqlite3 "$work" "$1"; else psql "$db" -tAc "$1"; fi
}

start() {
  "$bin" serve --allow-demo-passwords --database-url "$db" --listen "127.0.0.1:$port" >>"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 150); do curl -sf "$url/healthz" >/dev/null && return 0; sleep 0.2; done
  echo "server did not start (see $log)"; return 1
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; }
login() {
  rm -f "$jar"
  curl -sf -c "$jar" -b "$jar" -o /dev/null -H 'content-type: application/json' \
    -d '{"username":"yxzx01","password":"m135demo"}' "$url/api/v1/session"
}

# The operation's request in the background → $req (curl's pid); its answer's status in $out.
op_start() {
  out=$(mktemp)
  case "$1" in
    model) curl -s -b "$jar" -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
             "$url/api/v1/forecasts/$M2/model?wait=true" >"$out" & ;;
    publish) curl -s -b "$jar" -o /dev/null -w '%{http_code}' -X POST -H 'content-type: application/json' \
             "$url/api/v1/balance/$T/publish" >"$out" & ;;
    supply) curl -s -b "$jar" -o /dev/null -w '%{http_code}' -X PUT -H 'content-type: application/json' \
             --data-binary @"$supply_json" "$url/api/v1/supply/$M2" >"$out" & ;;
  esac
  req=$!
}

# The state found: "none", "all" or "HALF: …".
state_of() {
  case "$1" in
    model)
      local f m a j
      f=$(q "SELECT COUNT(*) FROM forecast WHERE month = '$M2'")
      m=$(q "SELECT COUNT(*) FROM forecast WHERE month = '$M2' AND method = 'MODEL' AND model_qty IS NOT NULL")
      a=$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'forecast.model_run' AND entity_key = '$M2'")
      j=$(q "SELECT COUNT(*) FROM month_job WHERE month = '$M2'")
      if [ "$f$a$j" = 000 ]; then echo none
      elif [ "$f" = "$ref_model" ] && [ "$m" = "$f" ] && [ "$a" = 1 ] && [ "$j" = 1 ]; then echo all
      else echo "HALF: forecasts $f (model $m, reference $ref_model), audit $a, month_job $j"; fi ;;
    publish)
      local s p sub bad a
      s=$(q "SELECT state FROM balance_run WHERE month = '$T'")
      p=$(q "SELECT COUNT(*) FROM forecast WHERE month = '$T' AND state = 'PUBLISHED'")
      sub=$(q "SELECT COUNT(*) FROM forecast f JOIN balance_line b ON b.month = f.month AND b.retailer_id = f.retailer_id AND b.product_id = f.product_id WHERE f.month = '$T' AND f.state = 'SUBMITTED'")
      bad=$(q "SELECT COUNT(*) FROM forecast f JOIN balance_line b ON b.month = f.month AND b.retailer_id = f.retailer_id AND b.product_id = f.product_id WHERE f.month = '$T' AND f.state = 'PUBLISHED' AND f.balanced_qty IS DISTINCT FROM b.final_qty")
      a=$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'balance.publish' AND entity_key = '$T'")
      if [ "$s" = DRAFT ] && [ "$p" = 0 ] && [ "$sub" = "$ref_lines" ] && [ "$a" = 0 ]; then echo none
      elif [ "$s" = PUBLISHED ] && [ "$sub" = 0 ] && [ "$p" = "$ref_lines" ] && [ "$bad" = 0 ] && [ "$a" = 1 ]; then echo all
      else echo "HALF: run $s, published $p, balanced still submitted $sub (reference $ref_lines), wrong balanced_qty $bad, audit $a"; fi ;;
    supply)
      local r ok a
      r=$(q "SELECT COUNT(*) FROM supply_plan WHERE month = '$M2'")
      ok=$(q "SELECT COUNT(*) FROM supply_plan s JOIN product p ON p.id = s.product_id WHERE s.month = '$M2' AND s.quantity = 1000 + p.id")
      a=$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'supply.put' AND entity_key LIKE '$M2/%'")
      if [ "$r$a" = 00 ]; then echo none
      elif [ "$r" = "$ref_skus" ] && [ "$ok" = "$r" ] && [ "$a" = "$r" ]; then echo all
      else echo "HALF: supply rows $r (as sent $ok, reference $ref_skus), audit $a"; fi ;;
  esac
}
integrity() { # SQLite's own checks; nothing to say when fine
  [ "$backend" = sqlite ] || return 0
  local i fk
  i=$(q 'PRAGMA integrity_check')
  fk=$(q 'PRAGMA foreign_key_check' | head -3)
  [ "$i" = ok ] || echo "integrity_check: $i"
  [ -z "$fk" ] || echo "foreign_key_check: $fk"
}

pass=0
fail=0
: >"$log"
for backend in $backends; do
  "prepare_$backend"
  M2=$(date -d "$T-01 +1 month" +%Y-%m)
  supply_json=$(mktemp)
  if [ "$backend" = sqlite ]; then skus=$(sqlite3 "$base" 'SELECT id, sku_code FROM product ORDER BY id')
  else skus=$(psql "$pg/m135_crash_base" -tA -F'|' -c 'SELECT id, sku_code FROM product ORDER BY id'); fi
  echo "$skus" | awk -F'|' 'BEGIN{printf "{\"lines\":["} {printf "%s{\"sku\":\"%s\",\"quantity\":%d}", (NR > 1 ? "," : ""), $2, 1000+$1} END{print "]}"}' >"$supply_json"
  echo "== $backend: month T = $T (published by 'publish'), T+1 = $M2 (model, supply)"
  for op in model publish supply; do
    # The reference run, uncrashed.
    fresh
    start
    login
    t0=$(date +%s.%N)
    op_start "$op"
    wait "$req"
    dur=$(echo "$(date +%s.%N) - $t0" | bc)
    code=$(cat "$out")
    stop
    ref_model=$(q "SELECT COUNT(*) FROM forecast WHERE month = '$M2'")
    ref_lines=$(q "SELECT COUNT(*) FROM balance_line WHERE month = '$T'")
    ref_skus=$(q "SELECT COUNT(*) FROM supply_plan WHERE month = '$M2'")
    ref_state=$(state_of "$op")
    printf '%-8s %-8s reference: HTTP %s in %.2f s → %s (model rows %s, balance lines %s, supply rows %s)\n' \
      "$backend" "$op" "$code" "$dur" "$ref_state" "$ref_model" "$ref_lines" "$ref_skus"
    if [ "$code" != 200 ] || [ "$ref_state" != all ]; then
      echo "FAIL $backend $op: the uncrashed reference run did not complete"; fail=$((fail + 1)); continue
    fi
    # The reference counts are of the month before the operation too (model and supply start
    # from none, publish from a full draft): state_of compares against them.
    for i in $(seq 1 "$n"); do
      fresh
      start
      login
      # Even iterations in the last part of the run, where the writing happens (the model reads
      # and computes for most of its time), odd ones anywhere.
      if [ $((i % 2)) = 0 ]; then lo=0.6; else lo=0; fi
      kill_at=$(echo "scale=3; $dur * ($lo + (1.1 - $lo) * $RANDOM / 32767)" | bc)
      op_start "$op"
      sleep "$kill_at"
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      pid=
      wait "$req" 2>/dev/null || true
      code=$(cat "$out")
      restarted=ok
      start || restarted="no restart"
      login && curl -sf -b "$jar" -o /dev/null "$url/api/v1/balance/$T" || restarted="${restarted}, no signed-in page"
      stop
      found=$(state_of "$op")
      checks=$(integrity)
      if [[ "$found" != HALF* ]] && [ "$restarted" = ok ] && [ -z "$checks" ]; then
        verdict=PASS; pass=$((pass + 1))
      else
        verdict=FAIL; fail=$((fail + 1))
      fi
      printf '%s %-8s %-8s #%d kill -9 at %6.2f s (answer %s): %s; restart %s%s\n' \
        "$verdict" "$backend" "$op" "$i" "$kill_at" "${code:-none}" "$found" "$restarted" "${checks:+; $checks}"
    done
  done
done
echo "crash safety: $pass passed, $fail failed"
[ "$fail" = 0 ]
