#!/usr/bin/env bash
# Forecast engine benchmark (issue 3): m135 against Nixtla statsforecast in the same run.
#
#   bench/forecast/run.sh            # THREADS=1 by default: both sides on one core
#   THREADS=2 bench/forecast/run.sh  # both sides on two cores
#   PEER_MODELS=SeasonalNaive,Theta,DynamicOptimizedTheta,AutoETS bench/forecast/run.sh
#
# Prints the peer's lines, our eval tables for M3 monthly (h=18) and car parts (2,509 complete
# series, h=12 and h=6), and the time ratio of the peer's DynamicOptimizedTheta to our `auto`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SHARED="${M135_SHARED:-$ROOT/../shared}"
DATA="$SHARED/data"
THREADS="${THREADS:-1}"
PEER_MODELS="${PEER_MODELS:-SeasonalNaive,Theta,DynamicOptimizedTheta}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target-forecast}"

echo "== build (release)"
(cd "$ROOT" && cargo build --release -p m135 -q)
M135="$CARGO_TARGET_DIR/release/m135"

VENV="$ROOT/.venv-peer"
if [ ! -x "$VENV/bin/python" ]; then
  echo "== peer venv"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q statsforecast pandas
fi

echo "== peer: statsforecast on M3 monthly, h=18, n_jobs=$THREADS"
PEER_OUT="$(M135_SHARED="$SHARED" "$VENV/bin/python" "$ROOT/bench/forecast/peer_m3.py" --n-jobs "$THREADS" --models "$PEER_MODELS")"
echo "$PEER_OUT"

echo "== m135 forecast eval: M3 monthly, h=18, threads=$THREADS"
OURS="$(RAYON_NUM_THREADS=$THREADS "$M135" forecast eval --input "$DATA/m3_monthly.csv" --horizon 18 --method auto,dotm,theta,ets,snaive)"
echo "$OURS"

echo "== m135 forecast eval: car parts, 2,509 complete series, h=12 and h=6"
for H in 12 6; do
  RAYON_NUM_THREADS=$THREADS "$M135" forecast eval --input "$DATA/carparts.csv" --horizon "$H" --gaps complete \
    --method auto,intermittent,adida,imapa,tsb,zero
done

PEER_DOTM="$(echo "$PEER_OUT" | awk '$2=="DynamicOptimizedTheta"{print $3}')"
OUR_AUTO="$(echo "$OURS" | awk '$1=="auto"{print $NF}')"
OUR_DOTM="$(echo "$OURS" | awk '$1=="dotm"{print $NF}')"
if [ -n "$PEER_DOTM" ] && [ -n "$OUR_AUTO" ]; then
  echo "== ratio (same $THREADS thread(s), same run)"
  awk -v p="$PEER_DOTM" -v a="$OUR_AUTO" -v d="$OUR_DOTM" 'BEGIN {
    printf "peer DynamicOptimizedTheta %.3f s; m135 auto (combination) %.3f s -> peer/ours = %.1fx\n", p, a, p / a;
    printf "peer DynamicOptimizedTheta %.3f s; m135 dotm %.3f s -> peer/ours = %.1fx\n", p, d, p / d;
    printf "peer four-model ensemble (published, 1 core): 1048 s -> %.0fx our auto\n", 1048 / a }'
fi
