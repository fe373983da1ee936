#!/usr/bin/env bash
# Allocation engine benchmark (issue 4): province-sized quota tables (300 SKUs × 6 sub-markets ×
# 30 tiers, exact vs the §4.3 greedy), exact vs brute force on small cases, balancing 300 SKUs
# over 300,000 retailers, tiering 300,000 retailers — all timed in one run, release build.
# Usage: bench/allocate/run.sh [skus] [submarkets] [retailers] [density_pct] [reps=3]
# Timings are the best of `reps` runs (shared machine).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target-allocate}"
cargo build --release -q -p allocate --example bench
"$CARGO_TARGET_DIR/release/examples/bench" "$@"
