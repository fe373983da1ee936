#!/usr/bin/env python3
"""Peer timing for the forecast bench: statsforecast models on M3 monthly (h=18), scored with the
shared peer script's own `load`, `to_long` and `scores`, so the metrics are computed identically.

Usage: peer_m3.py --n-jobs N [--models DynamicOptimizedTheta,Theta,SeasonalNaive]
Prints one line per model: `PEER <model> <seconds> <sMAPE> <MASE_s>`.
"""
import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("M135_SHARED", os.path.join(HERE, "..", "..", "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "bench"))
import peer_statsforecast as P  # noqa: E402
from statsforecast import StatsForecast  # noqa: E402
from statsforecast import models as M  # noqa: E402


def make(name):
    if name == "SeasonalNaive":
        return M.SeasonalNaive(season_length=12)
    if name == "Theta":
        return M.Theta(season_length=12)
    if name == "DynamicOptimizedTheta":
        return M.DynamicOptimizedTheta(season_length=12)
    if name == "AutoETS":
        return M.AutoETS(season_length=12)
    if name == "AutoCES":
        return M.AutoCES(season_length=12)
    raise SystemExit(f"unknown model {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-jobs", type=int, default=1)
    ap.add_argument("--models", default="SeasonalNaive,Theta,DynamicOptimizedTheta")
    a = ap.parse_args()
    series = P.load("m3_monthly")
    h = 18
    df = P.to_long(series, h)
    for name in a.models.split(","):
        sf = StatsForecast(models=[make(name)], freq=1, n_jobs=a.n_jobs)
        t0 = time.perf_counter()
        out = sf.forecast(df=df, h=h)
        dt = time.perf_counter() - t0
        if "unique_id" not in out.columns:
            out = out.reset_index()
        col = [c for c in out.columns if c not in ("unique_id", "ds")][0]
        fc = {sid: g[col].values for sid, g in out.groupby("unique_id", sort=False)}
        r = P.scores(series, h, fc, col)
        print(f"PEER {col} {dt:.3f} {r['sMAPE']:.3f} {r['MASE_s']:.3f}", flush=True)


if __name__ == "__main__":
    main()
