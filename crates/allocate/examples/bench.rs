//! Province-sized benchmark of the allocation engine (issue 4 targets). Run in release:
//! `bench/allocate/run.sh` or
//! `cargo run --release -p allocate --example bench -- [skus] [submarkets] [retailers] [density_pct]`.
//! Input generation is excluded from the timings; everything else is timed in this one run.
use allocate::TIERS;
use allocate::balance::{BalanceConfig, balance};
use allocate::bench::{self, Rng};
use allocate::tier_quota::{self, AllocationMode, QuotaPolicy, QuotaProblem, Submarket};
use allocate::tiering::{self, TieringConfig};
use rayon::prelude::*;
use std::time::Instant;

/// Best of `reps` wall-clock runs (the machine is shared; the minimum is the least disturbed).
fn best_of<T>(reps: usize, mut f: impl FnMut() -> T) -> (T, std::time::Duration) {
    let mut best = None;
    let mut out = None;
    for _ in 0..reps.max(1) {
        let t0 = Instant::now();
        let r = f();
        let e = t0.elapsed();
        if best.is_none_or(|b| e < b) {
            best = Some(e);
        }
        out = Some(r);
    }
    (out.expect("ran"), best.expect("ran"))
}

fn arg(i: usize, d: u64) -> u64 {
    std::env::args()
        .nth(i)
        .and_then(|a| a.parse().ok())
        .unwrap_or(d)
}

fn main() {
    let skus = arg(1, 300) as usize;
    let subs = arg(2, 6) as usize;
    let retailers = arg(3, 300_000);
    let density = arg(4, 10);
    let reps = arg(5, 3) as usize;
    println!(
        "threads: {}, timings: best of {reps} runs",
        rayon::current_num_threads()
    );

    // 1. quota tables: exact vs the §4.3 greedy
    for (lo, hi, capped, label) in [
        (
            20u64,
            100u64,
            false,
            "tight (T = 20–100 % of weighted count)",
        ),
        (100, 300, false, "balanced (T = 100–300 %)"),
        (20, 100, true, "tight, tier-30 cap = 2 × average quota + 2"),
    ] {
        let mut problems = bench::quota_problems(skus, subs, retailers, lo, hi, 42);
        if capped {
            for p in problems.iter_mut() {
                let w: u64 = p
                    .submarkets
                    .iter()
                    .map(|s| s.weights().iter().sum::<u64>())
                    .sum();
                let cap = 2 * p.planned_release / w.max(1) + 2;
                for s in p.submarkets.iter_mut() {
                    s.caps[TIERS - 1] = Some(cap);
                }
            }
        }
        let pol = QuotaPolicy::default();
        let t0 = Instant::now();
        let exact: Vec<_> = problems
            .par_iter()
            .map(|p| tier_quota::allocate(p, &pol).expect("exact"))
            .collect();
        let te = t0.elapsed();
        let t1 = Instant::now();
        let greedy: Vec<_> = problems
            .par_iter()
            .map(|p| tier_quota::greedy(p, &pol).expect("greedy"))
            .collect();
        let tg = t1.elapsed();
        let planned: u64 = problems.iter().map(|p| p.planned_release).sum();
        let se: u64 = exact.iter().map(|s| s.total_release.unwrap_or(0)).sum();
        let sg: u64 = greedy.iter().map(|s| s.total_release.unwrap_or(0)).sum();
        let better = exact
            .iter()
            .zip(&greedy)
            .filter(|(e, g)| e.total_release > g.total_release)
            .count();
        let worse = exact
            .iter()
            .zip(&greedy)
            .filter(|(e, g)| e.total_release < g.total_release)
            .count();
        let short_e: u64 = problems
            .iter()
            .zip(&exact)
            .map(|(p, s)| p.planned_release - s.total_release.unwrap_or(0))
            .sum();
        let short_g: u64 = problems
            .iter()
            .zip(&greedy)
            .map(|(p, s)| p.planned_release - s.total_release.unwrap_or(0))
            .sum();
        println!(
            "quota {label}: {skus} SKUs × {subs} sub-markets × 30 tiers, {retailers} retailers"
        );
        println!(
            "  exact  {:>8.3} s   released {se} of planned {planned} (short {short_e})",
            te.as_secs_f64()
        );
        println!(
            "  greedy {:>8.3} s   released {sg} (short {short_g})",
            tg.as_secs_f64()
        );
        println!(
            "  exact/greedy: time ×{:.2}, total ×{:.6}; exact > greedy on {better} SKUs, < on {worse}",
            te.as_secs_f64() / tg.as_secs_f64(),
            se as f64 / sg as f64
        );
    }

    // 2. exact vs brute force on small cases (agreement and time ratio)
    let mut rng = Rng::new(7);
    let small: Vec<(Submarket, u64)> = (0..300)
        .map(|_| {
            let mut s = Submarket::new("全市", [0; TIERS]);
            for _ in 0..rng.range(1, 4) {
                let j = rng.range(0, 29) as usize;
                s.counts[j] = rng.range(1, 12);
            }
            if rng.range(0, 3) == 0 {
                s.caps[rng.range(0, 29) as usize] = Some(rng.range(1, 8));
            }
            (s, rng.range(0, 150))
        })
        .collect();
    let t0 = Instant::now();
    let ex: Vec<(u64, u64, u64)> = small
        .iter()
        .map(|(s, t)| {
            let p = QuotaProblem {
                sku: "S".into(),
                planned_release: *t,
                mode: AllocationMode::A,
                submarkets: vec![s.clone()],
            };
            let r = tier_quota::allocate(&p, &QuotaPolicy::default()).expect("exact");
            (
                r.total_release.unwrap_or(0),
                r.coverage,
                r.table()[0][TIERS - 1],
            )
        })
        .collect();
    let te = t0.elapsed();
    let t1 = Instant::now();
    let bf: Vec<(u64, u64, u64)> = small
        .iter()
        .map(|(s, t)| tier_quota::brute_force(s, *t, true))
        .collect();
    let tb = t1.elapsed();
    let agree = ex.iter().zip(&bf).filter(|(a, b)| a == b).count();
    println!(
        "small cases vs brute force: {agree}/{} identical (total, coverage, top quota); exact {:.4} s, brute {:.4} s, brute/exact ×{:.1}",
        small.len(),
        te.as_secs_f64(),
        tb.as_secs_f64(),
        tb.as_secs_f64() / te.as_secs_f64()
    );

    // 3. balancing
    let problems = bench::balance_problems(skus, retailers, density, 42);
    let rows: usize = problems.iter().map(|p| p.retailers.len()).sum();
    let cfg = BalanceConfig::default();
    let t0 = Instant::now();
    let sols: Vec<_> = problems
        .par_iter()
        .map(|p| balance(p, &cfg).expect("balance"))
        .collect();
    let tb = t0.elapsed();
    let exact_sum = sols
        .iter()
        .zip(&problems)
        .all(|(s, p)| s.total == p.supply.min(s.demand));
    let flagged: usize = sols
        .iter()
        .map(|s| s.allocations.iter().filter(|a| a.flagged).count())
        .sum();
    println!(
        "balance: {skus} SKUs over {retailers} retailers ({rows} forecast rows, density {density} %): {:.3} s; totals exact: {exact_sum}; flagged {flagged}",
        tb.as_secs_f64()
    );

    // 4. tiering
    let rs = bench::retailer_metrics(retailers, 42);
    let (a, tt) = best_of(reps, || {
        tiering::run(&rs, &TieringConfig::default()).expect("tiering")
    });
    println!(
        "tiering: {} retailers (V1 weights, max normalisation, pyramid): {:.3} s",
        a.len(),
        tt.as_secs_f64()
    );
    let cfg = TieringConfig {
        normalisation: tiering::Normalisation::Percentile,
        shares: tiering::ShareTable::olive(),
        ..Default::default()
    };
    let t0 = Instant::now();
    let a = tiering::run(&rs, &cfg).expect("tiering");
    println!(
        "tiering: {} retailers (percentile, olive): {:.3} s",
        a.len(),
        t0.elapsed().as_secs_f64()
    );
}
