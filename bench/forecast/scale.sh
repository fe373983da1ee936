#!/usr/bin/env bash
# Scale benchmark (issue 3): forecast N synthetic intermittent monthly series of 36 months
# (generated in memory by `m135 forecast bench`), reporting wall time and peak RSS.
#
#   bench/forecast/scale.sh              # 1,000,000 series, all cores
#   SERIES=100000 bench/forecast/scale.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SERIES="${SERIES:-1000000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target-forecast}"
(cd "$ROOT" && cargo build --release -p m135 -q)
/usr/bin/time -v "$CARGO_TARGET_DIR/release/m135" forecast bench --series "$SERIES" --months 36 --horizon 12 2>&1 \
  | grep -E "^bench|^methods|Elapsed \(wall|Maximum resident|User time|System time"
